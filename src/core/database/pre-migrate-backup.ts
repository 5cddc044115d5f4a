import Database from 'better-sqlite3';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checksumFile, checksumLine, fsyncDir, fsyncFile, sha256OfFile } from './backup-file-io';
import {
  ensurePrivateDir,
  makeDatabaseFilesPrivate,
  makePrivate,
  PRIVATE_FILE_MODE,
} from './file-modes';

/**
 * Backups taken before pending migrations run (issue 19: "no schema change without a backup").
 * They live in data/backups next to the nightly ones but under their own prefix, so the nightly
 * rotation (which only knows `vx11_*.db`) never archives or deletes them, and `vx11 rollback`
 * finds the newest one. Core code: the app's migration runner and the CLI both use it.
 */
export const PRE_MIGRATE_PREFIX = 'pre-migrate_';

/** `pre-migrate_<from>_<to>_YYYYMMDD_HHMMSS[-N].db`; from/to are migration timestamps. */
const NAME = /^pre-migrate_(\d+)_(\d+)_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:-(\d+))?\.db$/;

/** Pages per backup step: the copy runs before the server listens, so it can go in big steps. */
const PAGES_PER_STEP = 1000;
const MAX_PROBLEMS = 20;

export interface PreMigrateBackup {
  name: string;
  file: string;
  /** Timestamp of the newest migration the copy has applied. */
  from: string;
  /** Timestamp of the newest migration that was about to run. */
  to: string;
  at: Date;
  seq: number;
}

export interface TakenBackup {
  name: string;
  file: string;
  bytes: number;
  sha256: string;
}

export interface FileCheck {
  ok: boolean;
  problems: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');

function stamp(at: Date): string {
  return (
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}_` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`
  );
}

export function preMigrateName(from: string, to: string, at: Date, seq = 0): string {
  return `${PRE_MIGRATE_PREFIX}${from}_${to}_${stamp(at)}${seq > 0 ? `-${seq}` : ''}.db`;
}

export function parsePreMigrateName(name: string): Omit<PreMigrateBackup, 'file'> | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(3, 9).map(Number);
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (Number.isNaN(at.getTime()) || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) {
    return null;
  }
  return { name, from: m[1], to: m[2], at, seq: m[9] ? Number(m[9]) : 0 };
}

/** The pre-migration backups in `backupsDir`, newest first. */
export function listPreMigrateBackups(backupsDir: string): PreMigrateBackup[] {
  if (!existsSync(backupsDir)) return [];
  return readdirSync(backupsDir)
    .map((name) => parsePreMigrateName(name))
    .filter((b): b is Omit<PreMigrateBackup, 'file'> => b !== null)
    .map((b) => ({ ...b, file: join(backupsDir, b.name) }))
    .sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq);
}

/**
 * integrity_check on a database file, and that it is a VX11 database (it has the migrations
 * table). Opened read-only: a backup is a single self-contained file, nothing is written to it.
 */
export function checkDatabaseFile(file: string): FileCheck {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, readonly: true });
    const rows = db.pragma(`integrity_check(${MAX_PROBLEMS})`) as Array<Record<string, unknown>>;
    const lines = rows.map((row) => String(Object.values(row)[0]));
    if (!(lines.length === 1 && lines[0] === 'ok')) return { ok: false, problems: lines };
    const migrations = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
      .get();
    if (!migrations) return { ok: false, problems: ['not a VX11 database (no migrations table)'] };
    return { ok: true, problems: [] };
  } catch (err) {
    return { ok: false, problems: [(err as Error).message] };
  } finally {
    db?.close();
  }
}

/** The sidecar checksum (required: a pre-migration backup is always written with one), then integrity_check. */
export async function verifyPreMigrateBackup(file: string): Promise<FileCheck> {
  if (!existsSync(file)) return { ok: false, problems: [`${file} does not exist`] };
  const sidecar = checksumFile(file);
  if (!existsSync(sidecar)) return { ok: false, problems: [`${basename(sidecar)} is missing`] };
  const expected = readFileSync(sidecar, 'utf8').trim().split(/\s+/)[0];
  const actual = await sha256OfFile(file);
  if (actual !== expected) {
    return {
      ok: false,
      problems: [`SHA-256 ${actual} does not match ${basename(sidecar)} (${expected})`],
    };
  }
  return checkDatabaseFile(file);
}

/**
 * SQLite's online backup API into `<name>.tmp`, made a single self-contained file
 * (journal_mode DELETE), verified by integrity_check, fsynced, renamed into place with its
 * SHA-256 sidecar. A failed copy leaves nothing behind and throws.
 */
export async function takePreMigrateBackup(
  db: Database.Database,
  backupsDir: string,
  versions: { from: string; to: string },
  now: Date = new Date(),
): Promise<TakenBackup> {
  ensurePrivateDir(backupsDir);
  const taken = listPreMigrateBackups(backupsDir).filter(
    (b) => b.from === versions.from && b.to === versions.to && stamp(b.at) === stamp(now),
  );
  const seq = taken.length === 0 ? 0 : Math.max(...taken.map((b) => b.seq)) + 1;
  const name = preMigrateName(versions.from, versions.to, now, seq);
  const file = join(backupsDir, name);
  const tmp = `${file}.tmp`;
  try {
    await db.backup(tmp, { progress: () => PAGES_PER_STEP });
    makeDatabaseFilesPrivate(tmp);
    const copy = new Database(tmp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const verdict = checkDatabaseFile(tmp);
    if (!verdict.ok) {
      throw new Error(
        `pre-migration backup failed integrity_check: ${verdict.problems.slice(0, 3).join('; ')}`,
      );
    }
    fsyncFile(tmp);
    const sha256 = await sha256OfFile(tmp);
    renameSync(tmp, file);
    writeFileSync(checksumFile(file), checksumLine(sha256, file), { mode: PRIVATE_FILE_MODE });
    fsyncDir(backupsDir);
    return { name, file, bytes: statSync(file).size, sha256 };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
}

/**
 * Puts `source` (a verified backup) in place of the database `dbFile`: a private staged copy
 * checked again, the old WAL and shared-memory files removed (replayed onto the restored file
 * they would corrupt it), then an atomic rename. The caller holds the data dir.
 */
export function restoreDatabaseFrom(source: string, dbFile: string): void {
  const staged = `${dbFile}.restore.tmp`;
  rmSync(staged, { force: true });
  copyFileSync(source, staged);
  makePrivate(staged);
  const verdict = checkDatabaseFile(staged);
  if (!verdict.ok) {
    rmSync(staged, { force: true });
    throw new Error(`${source} failed verification: ${verdict.problems.slice(0, 3).join('; ')}`);
  }
  fsyncFile(staged);
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${dbFile}${suffix}`, { force: true });
  renameSync(staged, dbFile);
  makeDatabaseFilesPrivate(dbFile);
  fsyncDir(dirname(dbFile));
}
