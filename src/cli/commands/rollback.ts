import Database from 'better-sqlite3';
import { copyFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CliContext, CliError, humanLog } from '../cli-context';
import { claimForCommand, dataDirUser, describeUser } from '../server-client';
import { ensurePrivateDir, makePrivate } from '../../core/database/file-modes';
import {
  listPreMigrateBackups,
  PreMigrateBackup,
  restoreDatabaseFrom,
  verifyPreMigrateBackup,
} from '../../core/database/pre-migrate-backup';

const USAGE = 'usage: vx11 rollback [<pre-migrate backup name>] [--force]';

/** The newest migration the database at `file` has applied, or null (no database, none applied). */
function appliedMigration(file: string): string | null {
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
      .get();
    if (!table) return null;
    const row = db.prepare('SELECT max(timestamp) AS ts FROM migrations').get() as {
      ts: number | null;
    };
    return row.ts === null ? null : String(row.ts);
  } finally {
    db.close();
  }
}

function stampNow(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').replace(/\..*$/, '');
}

/** The current database with its WAL and shared-memory files, copied as they are. */
function safetyCopy(ctx: CliContext): string | null {
  if (!existsSync(ctx.paths.dbFile)) return null;
  const dir = join(ctx.paths.safetyDir, `pre-rollback_${stampNow()}`);
  ensurePrivateDir(ctx.paths.backupsDir);
  ensurePrivateDir(dir);
  for (const suffix of ['', '-wal', '-shm']) {
    const from = `${ctx.paths.dbFile}${suffix}`;
    if (!existsSync(from)) continue;
    const to = join(dir, basename(from));
    copyFileSync(from, to);
    makePrivate(to);
  }
  return dir;
}

function pick(ctx: CliContext, name: string | undefined): PreMigrateBackup {
  const all = listPreMigrateBackups(ctx.paths.backupsDir);
  if (all.length === 0) {
    throw new CliError(
      `No pre-migration backup in ${ctx.paths.backupsDir} (VX11 takes one before it applies ` +
        'new migrations at start): nothing to roll back to',
    );
  }
  if (!name) return all[0];
  const found = all.find((b) => b.name === name || b.name === basename(name));
  if (!found) {
    throw new CliError(
      `No pre-migration backup named ${name}; there are: ${all.map((b) => b.name).join(', ')}`,
    );
  }
  return found;
}

/**
 * `vx11 rollback`: puts back the database as it was before the last upgrade migrated it (the
 * newest `pre-migrate_*` backup), so the previous VX11 binary can start on it. Refuses while
 * anything uses the data dir, holds the data dir until done, verifies the backup (SHA-256 and
 * integrity_check), refuses when the database is not at the version that backup was taken
 * for (unless --force), keeps a safety copy of the current database, then swaps.
 */
export async function rollbackCommand(ctx: CliContext, args: string[]): Promise<number> {
  const force = args.includes('--force');
  const rest = args.filter((a) => a !== '--force');
  if (rest.length > 1 || rest.some((a) => a.startsWith('-'))) throw new CliError(USAGE, 2);
  const user = await dataDirUser(ctx);
  if (user) {
    throw new CliError(
      `Refusing to roll back: ${describeUser(ctx, user)}. ` +
        'Stop it first (e.g. `systemctl stop vx11` or SIGTERM), then run rollback again.',
    );
  }
  const hold = await claimForCommand(ctx, 'rollback', 'Refusing to roll back');
  try {
    return await rollbackHeld(ctx, pick(ctx, rest[0]), force);
  } finally {
    hold.release();
  }
}

async function rollbackHeld(
  ctx: CliContext,
  backup: PreMigrateBackup,
  force: boolean,
): Promise<number> {
  const current = appliedMigration(ctx.paths.dbFile);
  if (current !== backup.to && !force) {
    const state =
      current === backup.from
        ? `is already at migration ${current}, the version ${backup.name} holds (rolled back already?)`
        : `is at migration ${current ?? 'none'}, not ${backup.to}, the version ${backup.name} was taken for`;
    throw new CliError(
      `Refusing to roll back: ${ctx.paths.dbFile} ${state}; data written since would be lost. ` +
        'Use --force to restore it anyway (a safety copy of the current database is kept).',
    );
  }
  const verdict = await verifyPreMigrateBackup(backup.file);
  if (!verdict.ok) {
    throw new CliError(
      `Refusing to roll back to ${backup.file}: it failed verification (${verdict.problems.slice(0, 3).join('; ')})`,
    );
  }
  const safety = safetyCopy(ctx);
  try {
    restoreDatabaseFrom(backup.file, ctx.paths.dbFile);
  } catch (err) {
    throw new CliError(`Rollback failed: ${(err as Error).message}`);
  }
  ctx.out(`rolled back ${ctx.paths.dbFile} to ${backup.name}`);
  ctx.out(`  schema: migration ${backup.from} (was ${current ?? 'none'})`);
  ctx.out('  checks: sha256 ok, integrity_check ok');
  ctx.out(`  safety copy of the previous database: ${safety ?? 'none (there was no database)'}`);
  ctx.out('start the previous version of VX11 (the one before the upgrade) on it');
  humanLog(
    ctx,
    'architect',
    'ROLLBACK',
    `${ctx.paths.dbFile} restored from ${backup.name} (migration ${backup.from}, was ${current ?? 'none'}); safety copy ${safety ?? 'none'}`,
  );
  return 0;
}
