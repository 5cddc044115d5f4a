import type Database from 'better-sqlite3';
import { tableExists } from './sqlite-checks';

/** The maintenance run that takes a backup, as recorded in maintenance_runs. */
export interface BackupRun {
  id: string;
  source: string;
  reason: string;
  apply_retention: boolean;
  requested_at: string;
  correlation_id: string | null;
}

/** That run as it stands when the copy is taken: its steps so far and when it started. */
export interface BackupRunProgress {
  run: BackupRun;
  started_at: string;
  steps: Record<string, { ok: boolean }>;
}

/**
 * In the backup copy, records the run that took it as finished at the moment of the copy:
 * otherwise the copy holds it as `running` (or, for a CLI run, not at all), and a restored
 * database shows a run that never ends and is later marked interrupted. Its status is what
 * its steps said until then; the steps after the backup are only in the live database.
 */
export function recordRunInCopy(
  copy: Database.Database,
  progress: BackupRunProgress,
  backupName: string,
  at: Date,
): void {
  if (!tableExists(copy, 'maintenance_runs')) return;
  const failed = Object.values(progress.steps).some((step) => !step.ok);
  const report = {
    ...progress.steps,
    backup: { ok: true, name: backupName, note: 'the copy was taken here' },
  };
  copy
    .prepare(
      `INSERT INTO maintenance_runs (id, status, returncode, source, reason, apply_retention,
         requested_at, started_at, finished_at, report, error, correlation_id)
       VALUES (@id, @status, @returncode, @source, @reason, @apply_retention, @requested_at,
         @started_at, @finished_at, @report, NULL, @correlation_id)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, returncode = excluded.returncode,
         started_at = COALESCE(maintenance_runs.started_at, excluded.started_at),
         finished_at = excluded.finished_at, report = excluded.report, error = NULL`,
    )
    .run({
      id: progress.run.id,
      status: failed ? 'failed' : 'ok',
      returncode: failed ? 1 : 0,
      source: progress.run.source,
      reason: progress.run.reason,
      apply_retention: progress.run.apply_retention ? 1 : 0,
      requested_at: progress.run.requested_at,
      started_at: progress.started_at,
      finished_at: at.toISOString(),
      report: JSON.stringify(report),
      correlation_id: progress.run.correlation_id,
    });
}
