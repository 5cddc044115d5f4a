import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { CliContext, CliError, humanLog } from '../cli-context';
import { serverOnDataDir } from '../server-client';
import { backupStamp } from '../../modules/madre/maintenance/backup-names';
import {
  fsyncDir,
  fsyncFile,
  verifyChecksum,
  verifyDatabaseFile,
} from '../../modules/madre/maintenance/backup-file';

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
  mkdirSync(dir, { recursive: true });
  for (const suffix of ['', ...SIDE_FILES]) {
    const from = `${ctx.paths.dbFile}${suffix}`;
    if (existsSync(from)) copyFileSync(from, join(dir, basename(from)));
  }
  return dir;
}

/**
 * `vx11 restore <file>`: refuses while a server uses the data dir; verifies the backup (its
 * checksum, then integrity_check on a private copy); keeps a safety copy of the current
 * database; swaps the verified copy into place with a rename.
 */
export async function restoreCommand(ctx: CliContext, file: string | undefined): Promise<number> {
  if (!file) throw new CliError('usage: vx11 restore <backup file or name>', 2);
  const server = serverOnDataDir(ctx);
  if (server) {
    throw new CliError(
      `Refusing to restore: VX11 is running on ${ctx.config.dataDir} (pid ${server.pid}, started ${server.started_at}). ` +
        'Stop it first (e.g. `systemctl stop vx11` or SIGTERM), then run restore again.',
    );
  }
  const source = locate(ctx, file);
  const checksum = await verifyChecksum(source);
  if (!checksum.ok)
    throw new CliError(`Refusing to restore ${source}: ${checksum.problems.join('; ')}`);

  const staged = `${ctx.paths.dbFile}.restore.tmp`;
  rmSync(staged, { force: true });
  mkdirSync(ctx.paths.dataDir, { recursive: true });
  copyFileSync(source, staged);
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
