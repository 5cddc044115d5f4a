import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
} from 'node:fs';
import { basename } from 'node:path';
import { integrityCheck, tableExists } from './sqlite-checks';

export interface FileVerdict {
  ok: boolean;
  /** Why the file cannot be used (empty when ok). */
  problems: string[];
}

/** The sidecar holding a backup's SHA-256, written once the backup is verified. */
export const checksumFile = (file: string) => `${file}.sha256`;

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** `sha256sum` format, so `sha256sum -c` works on the backups dir too. */
export function checksumLine(hex: string, file: string): string {
  return `${hex}  ${basename(file)}\n`;
}

/**
 * Compares a file with its sidecar checksum. Bytes flipped in row content pass
 * integrity_check, so the checksum is what catches them. No sidecar: nothing to compare.
 */
export async function verifyChecksum(file: string): Promise<FileVerdict & { checked: boolean }> {
  const sidecar = checksumFile(file);
  if (!existsSync(sidecar)) return { ok: true, checked: false, problems: [] };
  const expected = readFileSync(sidecar, 'utf8').trim().split(/\s+/)[0];
  const actual = await sha256OfFile(file);
  return actual === expected
    ? { ok: true, checked: true, problems: [] }
    : {
        ok: false,
        checked: true,
        problems: [`SHA-256 ${actual} does not match ${basename(sidecar)} (${expected})`],
      };
}

/**
 * Opens a database file (read-write: the caller passes a copy it owns), runs integrity_check and
 * checks it is a VX11 database (it has the migrations table). Never throws.
 */
export function verifyDatabaseFile(file: string): FileVerdict {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const integrity = integrityCheck(db);
    if (!integrity.ok) return { ok: false, problems: integrity.messages };
    if (!tableExists(db, 'migrations')) {
      return { ok: false, problems: ['not a VX11 database (no migrations table)'] };
    }
    return { ok: true, problems: [] };
  } catch (err) {
    return { ok: false, problems: [(err as Error).message] };
  } finally {
    db?.close();
  }
}

/** Flushes a file's data to disk before it is renamed into place. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes renames inside `dir` durable (ignored where directories cannot be fsynced). */
export function fsyncDir(dir: string): void {
  try {
    fsyncFile(dir);
  } catch {
    /* not supported on this platform */
  }
}
