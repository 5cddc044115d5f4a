import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { CliContext, CliError, humanLog } from '../cli-context';
import { claimForCommand, dataDirUser, describeUser } from '../server-client';
import {
  ensurePrivateDir,
  makeDatabaseFilesPrivate,
  makePrivate,
} from '../../core/database/file-modes';
import { backupStamp } from '../../modules/madre/maintenance/backup-names';
import { fsyncDir, fsyncFile } from '../../core/database/backup-file-io';
import { verifyChecksum, verifyDatabaseFile } from '../../modules/madre/maintenance/backup-file';

const SIDE_FILES = ['-wal', '-shm'];

/** A path as given, else a name in backups/ or backups/archived/. */
function locate(ctx: CliContext, file: string): string {
  const candidates = isAbsolute(file)
    ? [file]
    : [resolve(file), join(ctx.paths.backupsDir, file), join(ctx.paths.archivedDir, file)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new CliError(`No backup named ${file} (looked in ${candidates.join(', ')})`);
  return found;
}

/** Copies the current database with its WAL and shared-memory files, exactly as they are. */
function safetyCopy(ctx: CliContext): string | null {
  if (!existsSync(ctx.paths.dbFile)) return null;
  const dir = join(ctx.paths.safetyDir, `pre-restore_${backupStamp(new Date())}`);
  ensurePrivateDir(ctx.paths.backupsDir);
  ensurePrivateDir(dir);
  for (const suffix of ['', ...SIDE_FILES]) {
    const from = `${ctx.paths.dbFile}${suffix}`;
    const to = join(dir, basename(from));
    if (existsSync(from)) {
      copyFileSync(from, to);
      makePrivate(to); // a copy keeps the mode of a database an older version left readable
    }
  }
  return dir;
}

/**
 * `vx11 restore <file>`: refuses while a server (or anything else) uses the data dir, and holds
 * the data dir's lock until done so no server starts meanwhile; verifies the backup (its
 * checksum, then integrity_check on a private copy); keeps a safety copy of the current
 * database; swaps the verified copy into place with a rename.
 */
export async function restoreCommand(ctx: CliContext, file: string | undefined): Promise<number> {
  if (!file) throw new CliError('usage: vx11 restore <backup file or name>', 2);
  const user = await dataDirUser(ctx);
  if (user) {
    throw new CliError(
      `Refusing to restore: ${describeUser(ctx, user)}. ` +
        'Stop it first (e.g. `systemctl stop vx11` or SIGTERM), then run restore again.',
    );
  }
  const hold = await claimForCommand(ctx, 'restore', 'Refusing to restore');
  try {
    return await restoreHeld(ctx, file);
  } finally {
    hold.release();
  }
}

async function restoreHeld(ctx: CliContext, file: string): Promise<number> {
  const source = locate(ctx, file);
  const checksum = await verifyChecksum(source);
  if (!checksum.ok)
    throw new CliError(`Refusing to restore ${source}: ${checksum.problems.join('; ')}`);

  const staged = `${ctx.paths.dbFile}.restore.tmp`;
  rmSync(staged, { force: true });
  copyFileSync(source, staged);
  makePrivate(staged);
  const verdict = verifyDatabaseFile(staged);
  if (!verdict.ok) {
    rmSync(staged, { force: true });
    throw new CliError(
      `Refusing to restore ${source}: it failed verification (${verdict.problems.slice(0, 3).join('; ')})`,
    );
  }
  fsyncFile(staged);
  const safety = safetyCopy(ctx);
  // The old WAL belongs to the old file: replayed onto the restored one it would corrupt it.
  for (const suffix of SIDE_FILES) rmSync(`${ctx.paths.dbFile}${suffix}`, { force: true });
  renameSync(staged, ctx.paths.dbFile);
  makeDatabaseFilesPrivate(ctx.paths.dbFile);
  fsyncDir(ctx.paths.dataDir);

  ctx.out(`restored ${ctx.paths.dbFile} from ${source}`);
  ctx.out(`  checks: ${checksum.checked ? 'sha256 ok, ' : 'no checksum file, '}integrity_check ok`);
  ctx.out(`  safety copy of the previous database: ${safety ?? 'none (there was no database)'}`);
  ctx.out('start VX11 again to use it');
  humanLog(
    ctx,
    'architect',
    'RESTORE',
    `${ctx.paths.dbFile} restored from ${basename(source)}; safety copy ${safety ?? 'none'}`,
  );
  return 0;
}
