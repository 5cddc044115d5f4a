import Database from 'better-sqlite3';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeDirPrivate, makePrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './file-modes';

/**
 * One process at a time uses a data dir: the server, or `vx11 restore` / `vx11 maintenance` on a
 * stopped server. The lock is SQLite's own exclusive lock (a POSIX lock) on <dataDir>/vx11.lock,
 * held by an open `BEGIN EXCLUSIVE` for as long as the holder runs: a second process is refused
 * at once, nobody can take it over, and the OS drops it when the holder dies, even by kill -9.
 *
 * The lock file is never deleted (a process waiting on the old inode would lock a file nobody
 * else sees), and this process must never open it other than through SQLite: closing any other
 * descriptor on it would drop the POSIX lock.
 */
export const DATA_DIR_LOCK_FILE = 'vx11.lock';
/** Information only (who holds the lock, since when, its port): written and removed by the holder. */
export const DATA_DIR_HOLDER_FILE = 'vx11.pid';
/** A `vx11 status` probe holds a shared lock for an instant: wait that out, not a live holder. */
const HOLD_WAIT_MS = 500;

export type DataDirRole = 'server' | 'restore' | 'rollback' | 'maintenance';

/** What <dataDir>/vx11.pid says (no secrets). */
export interface DataDirHolder {
  pid: number;
  role: DataDirRole;
  started_at: string;
  /** Servers only: where they listen (the configured port until the real one is known). */
  host?: string;
  port?: number;
}

export const dataDirLockFile = (dataDir: string) => join(dataDir, DATA_DIR_LOCK_FILE);
export const dataDirHolderFile = (dataDir: string) => join(dataDir, DATA_DIR_HOLDER_FILE);

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    /** What vx11.pid says about the holder, when it names a live process. */
    readonly holder: DataDirHolder | null,
  ) {
    super(
      `${dataDir} is in use by ${holder ? describeHolder(holder) : 'another process'} ` +
        `(${dataDirLockFile(dataDir)} is locked); one process at a time may use a data dir`,
    );
    this.name = 'DataDirInUseError';
  }
}

export function describeHolder(holder: DataDirHolder): string {
  const port = holder.port ? `, port ${holder.port}` : '';
  return holder.role === 'server'
    ? `a VX11 server (pid ${holder.pid}, started ${holder.started_at}${port})`
    : `vx11 ${holder.role} (pid ${holder.pid}, started ${holder.started_at})`;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** vx11.pid as written; null when absent, unreadable or half-written. May be stale after a crash. */
export function readDataDirHolder(dataDir: string): DataDirHolder | null {
  const file = dataDirHolderFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as DataDirHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : null;
  } catch {
    return null;
  }
}

const liveHolder = (dataDir: string) => {
  const holder = readDataDirHolder(dataDir);
  return holder && pidAlive(holder.pid) ? holder : null;
};

interface Held {
  db: Database.Database;
  /** Holds taken in this process (main and the app's database share one). */
  holders: number;
  info: DataDirHolder;
}
const heldHere = new Map<string, Held>();

function writeHolderFile(dataDir: string, info: DataDirHolder): void {
  const file = dataDirHolderFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, file);
}

function removeHolderFile(dataDir: string): void {
  if (readDataDirHolder(dataDir)?.pid === process.pid) {
    rmSync(dataDirHolderFile(dataDir), { force: true });
  }
}

/** On exit (a hold main.ts never gives back): vx11.pid goes before the OS drops the lock. */
let exitHookInstalled = false;
function removeHolderFilesOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dataDir of heldHere.keys()) removeHolderFile(dataDir);
  });
}

const isBusy = (err: unknown) =>
  (err as { code?: string }).code === 'SQLITE_BUSY' ||
  (err as { code?: string }).code === 'SQLITE_LOCKED';

export interface DataDirHold {
  /** The data dir's real path. */
  readonly dataDir: string;
  /** Gives this hold back; the lock goes with the last hold of the process. Idempotent. */
  release(): void;
}

/**
 * Takes the data dir for this process, creating it owner-only if missing, or throws
 * DataDirInUseError when another process has it. Within one process, holds are shared and
 * counted. The holder writes vx11.pid, and removes it when it lets go.
 */
export function holdDataDir(
  dataDir: string,
  info: { role: DataDirRole; host?: string; port?: number },
): DataDirHold {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const key = realpathSync(dataDir);
  let held = heldHere.get(key);
  if (!held) {
    const file = dataDirLockFile(key);
    const db = new Database(file, { timeout: HOLD_WAIT_MS });
    try {
      db.pragma('journal_mode = MEMORY'); // nothing is written: no vx11.lock-journal on disk
      db.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      db.close();
      if (isBusy(err)) throw new DataDirInUseError(dataDir, liveHolder(key));
      throw new Error(
        `Cannot lock ${file}: ${(err as Error).message} (if no VX11 uses ${dataDir}, delete that file)`,
      );
    }
    // Only the holder changes anything in the data dir, its modes included.
    makeDirPrivate(key);
    makePrivate(file);
    held = {
      db,
      holders: 0,
      info: { pid: process.pid, started_at: new Date().toISOString(), ...info },
    };
    heldHere.set(key, held);
    removeHolderFilesOnExit();
    writeHolderFile(key, held.info);
  }
  held.holders += 1;
  const entry = held;
  let released = false;
  return {
    dataDir: key,
    release: () => {
      if (released) return;
      released = true;
      entry.holders -= 1;
      if (entry.holders > 0) return;
      heldHere.delete(key);
      removeHolderFile(key);
      entry.db.close(); // ends the transaction: the lock goes
    },
  };
}

/** Records where this process's server listens, in vx11.pid. False when it does not hold `dataDir`. */
export function updateDataDirHolder(
  dataDir: string,
  update: Pick<DataDirHolder, 'host' | 'port'>,
): boolean {
  const key = existsSync(dataDir) ? realpathSync(dataDir) : dataDir;
  const held = heldHere.get(key);
  if (!held) return false;
  held.info = { ...held.info, ...update };
  writeHolderFile(key, held.info);
  return true;
}

export type DataDirState =
  | { state: 'free' }
  | { state: 'held-here'; holder: DataDirHolder }
  /** `holder` is null when vx11.pid is missing (the holder is starting) or stale. */
  | { state: 'held'; holder: DataDirHolder | null };

/**
 * Who uses the data dir now, without taking it: a read on the lock database needs a shared
 * lock, which the holder's exclusive lock refuses. Holds the shared lock only for that instant.
 */
export function dataDirState(dataDir: string): DataDirState {
  if (!existsSync(dataDir)) return { state: 'free' };
  const here = heldHere.get(realpathSync(dataDir));
  if (here) return { state: 'held-here', holder: here.info };
  const file = dataDirLockFile(dataDir);
  if (!existsSync(file)) return { state: 'free' };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return { state: 'free' };
  } catch (err) {
    if (isBusy(err)) return { state: 'held', holder: liveHolder(dataDir) };
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}
