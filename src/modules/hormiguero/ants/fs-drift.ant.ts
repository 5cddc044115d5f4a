import type { DriftRootKind, FileDrift, FileDriftService } from '../file-drift.service';
import { Ant, Finding, FindingSeverity } from '../finding';

/** A changed config or build is a high finding; a changed watch path a medium one. */
const SEVERITY: Record<DriftRootKind, FindingSeverity> = {
  config: 'high',
  build: 'high',
  watch: 'medium',
};

/** At most this many files listed per list in a finding's evidence. */
const MAX_LISTED = 100;

/** Findings of a drift check: one per tracked root with added, removed or changed files. */
export function driftFindings(drift: FileDrift): Finding[] {
  const findings: Finding[] = [];
  for (const kind of ['config', 'build', 'watch'] as const) {
    const added = drift.added.filter((f) => f.root === kind);
    const removed = drift.removed.filter((f) => f.root === kind);
    const changed = drift.changed.filter((f) => f.root === kind);
    if (added.length + removed.length + changed.length === 0) continue;
    const parts = [
      changed.length ? `${changed.length} changed` : '',
      added.length ? `${added.length} added` : '',
      removed.length ? `${removed.length} removed` : '',
    ].filter(Boolean);
    const names = [...changed, ...added, ...removed].slice(0, 3).map((f) => f.path);
    findings.push({
      ant: 'fs_drift',
      kind: 'fs_drift.drift',
      title: `file drift in ${kind}`,
      severity: SEVERITY[kind],
      detail: `${kind}: ${parts.join(', ')} since the baseline of ${drift.baseline_recorded_at} (${names.join(', ')}${
        added.length + removed.length + changed.length > 3 ? ', …' : ''
      })`,
      evidence: {
        root: kind,
        baseline_recorded_at: drift.baseline_recorded_at,
        changed: changed.slice(0, MAX_LISTED),
        added: added.slice(0, MAX_LISTED),
        removed: removed.slice(0, MAX_LISTED),
        counts: { changed: changed.length, added: added.length, removed: removed.length },
      },
    });
  }
  if (drift.skipped_files > 0) {
    findings.push({
      ant: 'fs_drift',
      kind: 'fs_drift.too_many_files',
      title: 'file drift: files not tracked',
      severity: 'low',
      detail: `${drift.skipped_files} files beyond hormiguero.fsMaxFiles were not hashed`,
      evidence: { skipped_files: drift.skipped_files, tracked_files: drift.tracked_files },
    });
  }
  return findings;
}

/**
 * The fs_drift ant: integrity monitoring in the way of Tripwire/AIDE — the tracked files'
 * sha256 against the baseline in the database (recorded by the first scan).
 */
export class FsDriftAnt implements Ant {
  readonly name = 'fs_drift' as const;

  constructor(private readonly drift: FileDriftService) {}

  async scan(): Promise<Finding[]> {
    return driftFindings(await this.drift.check());
  }
}
