import { join } from 'node:path';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { nativeDb } from './native-db';
import { restoreDatabaseFrom, takePreMigrateBackup, TakenBackup } from './pre-migrate-backup';

/** What the migration runner tells the operator (the app writes it to architect.log). */
export interface MigrationHooks {
  /** Where pre-migration backups go; default: `backups/` next to the database file. */
  backupsDir?: string;
  log?: (event: string, message: string) => void;
  /** Called before a failed start gives up, so what was logged reaches the disk. */
  flush?: () => Promise<void>;
}

/** Carried on the data source options (object spreads keep symbol keys); see database.module. */
export const MIGRATION_HOOKS = Symbol('vx11.migrationHooks');

export function migrationHooksOf(options: DataSourceOptions): MigrationHooks {
  return (options as unknown as Record<symbol, MigrationHooks | undefined>)[MIGRATION_HOOKS] ?? {};
}

/** A migration failed at start; the database is back as it was (or the message says why not). */
export class MigrationFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationFailedError';
  }
}

export interface MigrationPlan {
  /** Timestamp of the newest applied migration; null for a new database. */
  from: string | null;
  /** Timestamp of the newest migration this build knows. */
  to: string;
  pending: string[];
}

export interface MigrationOutcome extends MigrationPlan {
  backup: TakenBackup | null;
}

/** TypeORM's own rule: a migration's name is its class name, ending in a 13-digit timestamp. */
function migrationName(migration: { name?: string; constructor: { name: string } }): string {
  return migration.name || migration.constructor.name;
}

const timestampOf = (name: string) => name.slice(-13);

/** Which of the data source's migrations the database has not applied yet. */
export function migrationPlan(dataSource: DataSource): MigrationPlan {
  const db = nativeDb(dataSource);
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(table);
  const applied = exists
    ? (db.prepare(`SELECT name, timestamp FROM "${table}"`).all() as Array<{
        name: string;
        timestamp: number;
      }>)
    : [];
  const done = new Set(applied.map((m) => m.name));
  const known = dataSource.migrations.map((m) => migrationName(m));
  const newest = applied.reduce<number | null>(
    (max, m) => (max === null || Number(m.timestamp) > max ? Number(m.timestamp) : max),
    null,
  );
  return {
    from: newest === null ? null : String(newest),
    to: known.length > 0 ? timestampOf(known[known.length - 1]) : '0',
    pending: known.filter((name) => !done.has(name)),
  };
}

/**
 * Applies pending migrations, but first takes a verified backup of a database that already has
 * data (`backups/pre-migrate_<from>_<to>_<time>.db`) and logs `BD BACKUP`. A new database needs
 * none. A failed migration closes the data source, puts the backup back and throws
 * MigrationFailedError with what happened and what to do.
 */
export async function migrateWithBackup(
  dataSource: DataSource,
  hooks: MigrationHooks = {},
): Promise<MigrationOutcome> {
  const log = hooks.log ?? (() => undefined);
  const plan = migrationPlan(dataSource);
  if (plan.pending.length === 0) return { ...plan, backup: null };
  const db = nativeDb(dataSource);
  const dbFile = db.name;
  let backup: TakenBackup | null = null;
  if (plan.from !== null && !db.memory) {
    const backupsDir = hooks.backupsDir ?? join(dbFile, '..', 'backups');
    try {
      backup = await takePreMigrateBackup(db, backupsDir, { from: plan.from, to: plan.to });
    } catch (err) {
      throw new MigrationFailedError(
        `Refusing to migrate ${dbFile} from ${plan.from} to ${plan.to}: the pre-migration ` +
          `backup failed (${(err as Error).message}). Nothing was changed; free disk space ` +
          `or fix ${backupsDir}, then start again.`,
      );
    }
    log(
      'BD BACKUP',
      `pre-migration backup ${backup.file} (${backup.bytes} bytes, sha256 ${backup.sha256}, ` +
        `integrity_check ok) before migrating from ${plan.from} to ${plan.to}: ` +
        plan.pending.join(', '),
    );
  }
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } catch (err) {
    throw await undoFailedMigration(dataSource, dbFile, plan, backup, err as Error, hooks);
  }
  if (backup) log('BD MIGRATE', `applied ${plan.pending.join(', ')} to ${dbFile}`);
  return { ...plan, backup };
}

async function undoFailedMigration(
  dataSource: DataSource,
  dbFile: string,
  plan: MigrationPlan,
  backup: TakenBackup | null,
  err: Error,
  hooks: MigrationHooks,
): Promise<MigrationFailedError> {
  const log = hooks.log ?? (() => undefined);
  const what = `Migrating ${dbFile} from ${plan.from ?? 'a new database'} to ${plan.to} failed (${plan.pending.join(', ')}): ${err.message}.`;
  let message: string;
  if (!backup) {
    message = `${what} The migrations run in one transaction, so nothing was applied.`;
  } else {
    try {
      if (dataSource.isInitialized) await dataSource.destroy();
      restoreDatabaseFrom(backup.file, dbFile);
      message =
        `${what} The database was restored from the pre-migration backup ${backup.file}; ` +
        'the previous version of VX11 can run on it. Fix the migration before starting this version again.';
      log('BD RESTORE', message);
    } catch (restoreErr) {
      message =
        `${what} Restoring the pre-migration backup also failed (${(restoreErr as Error).message}): ` +
        `restore ${backup.file} by hand with \`vx11 rollback\` before starting VX11 again.`;
      log('BD RESTORE FAILED', message);
    }
  }
  await hooks.flush?.().catch(() => undefined);
  return new MigrationFailedError(message);
}
