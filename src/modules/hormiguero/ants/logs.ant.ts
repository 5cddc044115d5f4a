import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HumanLogService } from '../../../core/logging/human-log.service';
import { HUMAN_LOGS } from '../../../core/logging/log-rotation';
import { Ant, Finding, toMb } from '../finding';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The logs ant: size and age of `logs/*.log` against the rotation policy (`logs.maxBytes`,
 * daily, `logs.keepDays`) that VX11's own rotator applies: a human log still due for rotation,
 * archives kept past their days, and other `.log` files there that nothing rotates.
 */
export class LogsAnt implements Ant {
  readonly name = 'logs' as const;

  constructor(
    private readonly humanLog: HumanLogService,
    private readonly logsDir: string,
  ) {}

  async scan(): Promise<Finding[]> {
    const now = new Date();
    const policy = this.humanLog.policy;
    const findings: Finding[] = [];
    for (const state of this.humanLog.inspect(now)) {
      if (!state.due) continue;
      findings.push({
        ant: 'logs',
        kind: `logs.rotation_due`,
        title: `${state.log}.log due for rotation`,
        severity: state.bytes >= 2 * policy.maxBytes ? 'medium' : 'low',
        detail:
          state.due === 'daily'
            ? `${state.log}.log still holds lines of ${state.first_line_day} (rotated daily)`
            : `${state.log}.log is ${toMb(state.bytes)} MiB (rotated past ${toMb(policy.maxBytes)} MiB)`,
        evidence: { ...state, policy },
      });
    }
    const expired = this.humanLog.expired(now);
    if (expired.length > 0) {
      findings.push({
        ant: 'logs',
        kind: 'logs.archives_expired',
        title: 'rotated logs kept past logs.keepDays',
        severity: 'low',
        detail: `${expired.length} rotated logs are older than ${policy.keepDays} days`,
        evidence: {
          files: expired
            .slice(0, 50)
            .map((a) => ({ file: a.file, bytes: a.bytes, rotated_at: a.rotated_at })),
          count: expired.length,
          bytes: expired.reduce((sum, a) => sum + a.bytes, 0),
          keep_days: policy.keepDays,
        },
      });
    }
    for (const other of this.otherLogs()) {
      const ageDays = (now.getTime() - other.mtimeMs) / DAY_MS;
      if (other.bytes < policy.maxBytes) continue;
      findings.push({
        ant: 'logs',
        kind: 'logs.unrotated',
        title: `${other.name} not rotated`,
        severity: 'low',
        detail: `${other.name} is ${toMb(other.bytes)} MiB; VX11 rotates only its human logs`,
        evidence: { file: other.file, bytes: other.bytes, age_days: Math.round(ageDays * 10) / 10 },
      });
    }
    return findings;
  }

  /** `logs/*.log` files that are not VX11's human logs. */
  private otherLogs() {
    let names: string[];
    try {
      names = readdirSync(this.logsDir);
    } catch {
      return [];
    }
    const human = new Set(HUMAN_LOGS.map((n) => `${n}.log`));
    const out: Array<{ name: string; file: string; bytes: number; mtimeMs: number }> = [];
    for (const name of names) {
      if (!name.endsWith('.log') || human.has(name)) continue;
      const file = join(this.logsDir, name);
      try {
        const s = statSync(file);
        if (s.isFile()) out.push({ name, file, bytes: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }
}
