import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import type { RetentionConfig } from '../../../core/config/app-config';
import type { RetentionHook } from '../../../core/database/retention-hooks';
import { newestBackup, rotateBackups } from './backup-rotation';
import type { BackupRun } from './backup-run-record';
import { DataPaths } from './data-paths';
import { writeDbMap } from './db-map';
import { diskRoomForBackup, StatFs } from './disk-space';
import { createVerifiedBackup } from './online-backup';
import { applyRetention } from './retention';
import { buildScorecard, writeScorecard } from './scorecard';
import { foreignKeyCheck, integrityCheck, quickCheck } from './sqlite-checks';

export const STEP_NAMES = [
  'quick_check',
  'integrity_check',
  'foreign_key_check',
  'retention',
  'wal_checkpoint',
  'optimize',
  'backup',
  'rotation',
  'db_map',
  'scorecard',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

interface StepResult {
  ok: boolean;
  error?: string;
  [detail: string]: unknown;
}

export interface StepReport extends StepResult {
  duration_ms: number;
}

export interface MaintenanceReport {
  status: 'ok' | 'failed';
  returncode: 0 | 1;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  steps: Record<StepName, StepReport>;
}

export interface MaintenanceOptions {
  db: Database.Database;
  paths: DataPaths;
  keepBackups: number;
  retentionDays: RetentionConfig;
  /** Retention runs unasked above this database size (file plus WAL). */
  retentionOverBytes: number;
  applyRetention: boolean;
  retentionHooks?: ReadonlyMap<string, RetentionHook>;
  /** See BackupOptions.singleStep. */
  singleStepBackup?: boolean;
  /** A backup younger than this is reused instead of taking another (0/absent: always take one). */
  minBackupIntervalSec?: number;
  /** The archive's size cap (see RotationPolicy). */
  archiveMaxBytes?: number;
  /** The backup is refused when less than this (or twice the database) is free. */
  minFreeDiskBytes?: number;
  /** For tests: what the free-space check reads. */
  statfs?: StatFs;
  /** The maintenance_runs row of this run: its backup records it finished (see BackupOptions.run). */
  run?: BackupRun;
}

/** Bytes of the database file and its WAL. */
export function databaseBytes(paths: DataPaths): { db: number; wal: number } {
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  return { db: size(paths.dbFile), wal: size(`${paths.dbFile}-wal`) };
}

/** The newest backup when it is younger than the minimum interval: the run reuses it. */
function recentBackup(paths: DataPaths, minIntervalSec: number | undefined, now: Date) {
  if (!minIntervalSec) return undefined;
  const newest = newestBackup(paths);
  if (!newest) return undefined;
  const ageMs = now.getTime() - Date.parse(newest.created_at);
  return ageMs >= 0 && ageMs < minIntervalSec * 1000 ? { ...newest, ageMs } : undefined;
}

/**
 * The maintenance run of CONTRACT §7, step by step. A step that throws is reported failed and
 * the run goes on, so one problem never hides the others; the run fails if any step failed.
 * Free of Nest so the CLI runs the very same steps on a stopped server's database.
 */
export async function runMaintenance(options: MaintenanceOptions): Promise<MaintenanceReport> {
  const { db, paths } = options;
  const started = new Date();
  const steps = {} as Record<StepName, StepReport>;
  const step = async (name: StepName, work: () => StepResult | Promise<StepResult>) => {
    const t0 = performance.now();
    try {
      const result = await work();
      steps[name] = { ...result, duration_ms: Math.round(performance.now() - t0) };
    } catch (err) {
      steps[name] = {
        ok: false,
        error: (err as Error).message,
        duration_ms: Math.round(performance.now() - t0),
      };
    }
  };

  await step('quick_check', () => {
    const r = quickCheck(db);
    return { ok: r.ok, result: r.messages };
  });
  await step('integrity_check', () => {
    const r = integrityCheck(db);
    return { ok: r.ok, result: r.messages };
  });
  await step('foreign_key_check', () => {
    const r = foreignKeyCheck(db);
    return { ok: r.ok, violations: r.violations, sample: r.sample };
  });
  await step('retention', async () => {
    const size = databaseBytes(paths);
    const oversize = size.db + size.wal > options.retentionOverBytes;
    if (!options.applyRetention && !oversize) {
      return {
        ok: true,
        applied: false,
        reason: `not requested and the database (${size.db + size.wal} bytes) is under ${options.retentionOverBytes}`,
      };
    }
    const tables = await applyRetention(
      db,
      options.retentionDays,
      options.retentionHooks ?? new Map(),
    );
    return {
      ok: true,
      applied: true,
      reason: options.applyRetention ? 'requested' : 'database over the size limit',
      tables,
    };
  });
  await step('wal_checkpoint', () => {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{
      busy: number;
      log: number;
      checkpointed: number;
    }>;
    // busy=1: a reader kept part of the WAL; it is checkpointed next time, nothing is lost.
    return { ok: true, busy: r.busy === 1, wal_frames: r.log, checkpointed_frames: r.checkpointed };
  });
  await step('optimize', () => {
    db.pragma('optimize');
    return { ok: true };
  });
  await step('backup', async () => {
    const recent = recentBackup(paths, options.minBackupIntervalSec, new Date());
    if (recent) {
      return {
        ok: true,
        reused: true,
        reason: `${recent.name} was taken ${Math.round(recent.ageMs / 1000)} s ago; backups are at least ${options.minBackupIntervalSec} s apart`,
        name: recent.name,
        file: recent.file,
        bytes: recent.bytes,
        created_at: recent.created_at,
      };
    }
    const size = databaseBytes(paths);
    const room = diskRoomForBackup(
      paths,
      size.db + size.wal,
      options.minFreeDiskBytes ?? 0,
      options.statfs,
    );
    if (!room.ok) return { ...room, ok: false };
    return {
      ok: true,
      ...(await createVerifiedBackup(db, paths, {
        singleStep: options.singleStepBackup,
        run: options.run && {
          run: options.run,
          started_at: started.toISOString(),
          steps: { ...steps },
        },
      })),
    };
  });
  await step('rotation', () => ({
    ok: true,
    ...rotateBackups(paths, {
      keep: options.keepBackups,
      archiveDays: options.retentionDays.backups_archive,
      archiveMaxBytes: options.archiveMaxBytes,
    }),
  }));
  await step('db_map', () => ({ ok: true, ...writeDbMap(db, paths.dbmapDir) }));
  await step('scorecard', () => {
    const scorecard = buildScorecard(db, {
      quickCheckOk: steps.quick_check.ok,
      integrityOk: steps.integrity_check.ok,
      foreignKeysOk: steps.foreign_key_check.ok,
      backup: { ok: steps.backup.ok, name: steps.backup.name as string | undefined },
      keptBackups: ((steps.rotation.kept as string[] | undefined) ?? []).length,
      keepBackups: options.keepBackups,
    });
    writeScorecard(paths.scorecardFile, scorecard);
    return {
      ok: true,
      file: paths.scorecardFile,
      score_pct: scorecard.score_pct,
      passed: scorecard.passed,
      total: scorecard.total,
    };
  });

  const finished = new Date();
  const failed = STEP_NAMES.some((name) => !steps[name].ok);
  return {
    status: failed ? 'failed' : 'ok',
    returncode: failed ? 1 : 0,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
    steps,
  };
}
