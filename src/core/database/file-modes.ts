import { chmodSync, lstatSync, mkdirSync, readdirSync, Stats, statSync } from 'node:fs';
import { join } from 'node:path';

/** The data and logs dirs hold chat history and events: owner only, whatever the umask. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * From here on this process creates files and dirs owner-only, including those a library creates
 * (SQLite's database, WAL and backup files). The server and the CLI call it first thing.
 */
export function restrictUmask(): void {
  process.umask(0o077);
}

/**
 * Sets the mode of what is at `path`: missing, or not ours to change, is left as it is.
 * chmod works on the path and opens nothing, so it never drops a POSIX lock this process holds.
 */
export function makePrivate(path: string, mode = PRIVATE_FILE_MODE): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}

/**
 * Whether VX11 may make this owner-only: not a shared dir (sticky bit, like /tmp, should
 * someone point VX11_DATA_DIR there) and nothing of someone else's.
 */
function mayTighten(entry: Stats): boolean {
  if (entry.isDirectory() && entry.mode & 0o1000) return false;
  return process.getuid === undefined || entry.uid === process.getuid();
}

/** Tightens a dir VX11 owns to 0700 (see mayTighten). */
export function makeDirPrivate(dir: string): void {
  let entry: Stats;
  try {
    entry = statSync(dir);
  } catch {
    return;
  }
  if (entry.isDirectory() && mayTighten(entry)) makePrivate(dir, PRIVATE_DIR_MODE);
}

/** Creates `dir` (and missing parents) owner-only and tightens it if it was already there. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  makeDirPrivate(dir);
}

/**
 * Tightens what an older version (or a looser umask) left behind: `dir`, and below it files to
 * 0600 and dirs to 0700, `depth` levels deep. Symlinks are left alone.
 */
export function makeTreePrivate(dir: string, depth: number): void {
  let top: Stats;
  try {
    top = statSync(dir);
  } catch {
    return;
  }
  if (!top.isDirectory() || !mayTighten(top)) return;
  makePrivate(dir, PRIVATE_DIR_MODE);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // gone meanwhile
  }
  for (const name of names) {
    const path = join(dir, name);
    let entry;
    try {
      entry = lstatSync(path);
    } catch {
      continue;
    }
    if (!mayTighten(entry)) continue;
    if (entry.isDirectory()) {
      if (depth > 1) makeTreePrivate(path, depth - 1);
      else makePrivate(path, PRIVATE_DIR_MODE);
    } else if (entry.isFile()) {
      makePrivate(path, PRIVATE_FILE_MODE);
    }
  }
}

/** A SQLite database with its WAL, shared-memory and rollback-journal files. */
export function makeDatabaseFilesPrivate(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) makePrivate(`${file}${suffix}`);
}
