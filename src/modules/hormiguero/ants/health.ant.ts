import type { Repository } from 'typeorm';
import { MoreThanOrEqual } from 'typeorm';
import type { HealthHistoryEntity } from '../../madre/health/health-history.entity';
import { Ant, Finding } from '../finding';

/** Checks looked at: those of the last `windowMs`, at most this many rows. */
const MAX_ROWS = 5000;

export interface HealthWindow {
  module: string;
  checks: number;
  failures: number;
  /** ok ↔ failing changes within the window. */
  flips: number;
  last_ok: boolean;
  last_detail: string;
  last_checked_at: string;
}

/** Per-module summary of a run of checks, oldest first. */
export function summarize(
  rows: Array<Pick<HealthHistoryEntity, 'module' | 'ok' | 'detail' | 'checked_at'>>,
) {
  const byModule = new Map<string, HealthWindow>();
  for (const r of rows) {
    const ok = Boolean(r.ok);
    const w = byModule.get(r.module);
    if (!w) {
      byModule.set(r.module, {
        module: r.module,
        checks: 1,
        failures: ok ? 0 : 1,
        flips: 0,
        last_ok: ok,
        last_detail: r.detail,
        last_checked_at: r.checked_at,
      });
      continue;
    }
    w.checks += 1;
    if (!ok) w.failures += 1;
    if (ok !== w.last_ok) w.flips += 1;
    w.last_ok = ok;
    w.last_detail = r.detail;
    w.last_checked_at = r.checked_at;
  }
  return [...byModule.values()];
}

/** Findings from per-module windows: failing now, flapping, or failing now and then. */
export function healthFindings(windows: HealthWindow[], flapFlips: number): Finding[] {
  const findings: Finding[] = [];
  for (const w of windows) {
    const evidence = { ...w };
    if (w.flips >= flapFlips) {
      findings.push({
        ant: 'health',
        kind: 'health.flapping',
        title: `${w.module} health flapping`,
        severity: 'medium',
        detail: `${w.module} changed between ok and failing ${w.flips} times in ${w.checks} checks`,
        evidence,
      });
    } else if (!w.last_ok) {
      findings.push({
        ant: 'health',
        kind: 'health.failing',
        title: `${w.module} health failing`,
        severity: 'medium',
        detail: `${w.module} failing: ${w.last_detail} (${w.failures}/${w.checks} checks failed)`,
        evidence,
      });
    } else if (w.failures > 0) {
      findings.push({
        ant: 'health',
        kind: 'health.recent_failures',
        title: `${w.module} health failed recently`,
        severity: 'low',
        detail: `${w.module} failed ${w.failures} of its last ${w.checks} checks, ok now`,
        evidence,
      });
    }
  }
  return findings;
}

/** The health ant: modules whose recent health history shows failures or flapping. */
export class HealthAnt implements Ant {
  readonly name = 'health' as const;

  constructor(
    private readonly history: Repository<HealthHistoryEntity>,
    /** How far back the ant looks. */
    private readonly windowMs: () => number,
    /** ok ↔ failing changes in the window that make a module flapping. */
    private readonly flapFlips = 4,
  ) {}

  async scan(): Promise<Finding[]> {
    const since = new Date(Date.now() - this.windowMs()).toISOString();
    const rows = await this.history.find({
      select: { module: true, ok: true, detail: true, checked_at: true },
      where: { checked_at: MoreThanOrEqual(since) },
      order: { checked_at: 'DESC' },
      take: MAX_ROWS,
    });
    return healthFindings(summarize(rows.reverse()), this.flapFlips);
  }
}
