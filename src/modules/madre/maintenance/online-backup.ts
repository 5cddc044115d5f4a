import Database from 'better-sqlite3';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensurePrivateDir,
  makeDatabaseFilesPrivate,
  PRIVATE_FILE_MODE,
} from '../../../core/database/file-modes';
import { backupName, backupStamp, parseBackupName } from './backup-names';
import { BackupRunProgress, recordRunInCopy } from './backup-run-record';
import {
  checksumFile,
  checksumLine,
  fsyncDir,
  fsyncFile,
  sha256OfFile,
} from '../../../core/database/backup-file-io';
import { verifyDatabaseFile } from './backup-file';
import { DataPaths } from './data-paths';

/** Pages copied per event-loop turn in the server, so a large copy never blocks requests. */
const PAGES_PER_STEP = 100;
const ALL_PAGES = 0x7fffffff;

export interface BackupOptions {
  now?: Date;
  /**
   * Copy every page in one step. A backup through another process's connection restarts
   * whenever the server writes, so the CLI copies in one go; the server's own connection
   * keeps its copy current by itself and can go step by step.
   */
  singleStep?: boolean;
  /** The maintenance run taking this backup: the copy records it finished, not running. */
  run?: BackupRunProgress;
}

export interface BackupResult {
  name: string;
  file: string;
  bytes: number;
  pages: number;
  sha256: string;
  integrity: 'ok';
  started_at: string;
  finished_at: string;
}

export class BackupVerificationError extends Error {
  constructor(readonly problems: string[]) {
    super(`backup failed integrity_check: ${problems.slice(0, 3).join('; ')}`);
    this.name = 'BackupVerificationError';
  }
}

/**
 * The name for a backup taken now: after every backup of the same second, kept or archived,
 * so it sorts newest and rotation never archives it at once (or overwrites an archived one).
 */
function freeName(paths: DataPaths, at: Date): string {
  const stamp = backupStamp(at);
  const taken = [paths.backupsDir, paths.archivedDir]
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir))
    .map((name) => parseBackupName(name.replace(/\.tmp$/, '')))
    .filter((b) => b !== null && backupStamp(b.at) === stamp)
    .map((b) => b!.seq);
  return backupName(at, taken.length === 0 ? 0 : Math.max(...taken) + 1);
}

/**
 * CONTRACT §7 backup: SQLite's online backup API into `<name>.tmp` (owner-only), made a single
 * self-contained file (journal_mode DELETE) that records the run taking it as finished,
 * verified by integrity_check on the copy, fsynced,
 * then renamed into place atomically with its SHA-256 sidecar. A failed copy leaves nothing.
 */
export async function createVerifiedBackup(
  db: Database.Database,
  paths: DataPaths,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const started = options.now ?? new Date();
  const backupsDir = paths.backupsDir;
  ensurePrivateDir(backupsDir);
  const name = freeName(paths, started);
  const file = join(backupsDir, name);
  const tmp = `${file}.tmp`;
  try {
    const progress = await db.backup(tmp, {
      progress: () => (options.singleStep ? ALL_PAGES : PAGES_PER_STEP),
    });
    makeDatabaseFilesPrivate(tmp); // SQLite created it with the process umask
    const copy = new Database(tmp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      if (options.run) recordRunInCopy(copy, options.run, name, new Date());
    } finally {
      copy.close();
    }
    const verdict = verifyDatabaseFile(tmp);
    if (!verdict.ok) throw new BackupVerificationError(verdict.problems);
    fsyncFile(tmp);
    const sha256 = await sha256OfFile(tmp);
    renameSync(tmp, file);
    writeFileSync(checksumFile(file), checksumLine(sha256, file), { mode: PRIVATE_FILE_MODE });
    fsyncDir(backupsDir);
    return {
      name,
      file,
      bytes: statSync(file).size,
      pages: progress.totalPages,
      sha256,
      integrity: 'ok',
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
    };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
}
