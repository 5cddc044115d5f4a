import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checksumFile, sha256OfFile } from '../../../core/database/backup-file-io';
import { integrityCheck, tableExists } from './sqlite-checks';

export interface FileVerdict {
  ok: boolean;
  /** Why the file cannot be used (empty when ok). */
  problems: string[];
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
