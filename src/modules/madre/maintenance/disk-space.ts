import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataPaths } from './data-paths';

/** The part of fs.statfs a free-space check needs (injectable for tests). */
export type StatFs = (path: string) => { bavail: number; bsize: number };

export interface DiskRoom {
  ok: boolean;
  /** Bytes an unprivileged process may still write on the backups' filesystem. */
  free_bytes: number;
  /** Twice the database (file + WAL), or the configured floor if that is more. */
  required_bytes: number;
  database_bytes: number;
  /** Why there is not enough room (only when !ok). */
  error?: string;
}

/** The nearest existing directory of `dir` (the backups dir may not exist yet). */
function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * Whether a backup fits: the copy, its journal and what the live database grows meanwhile need
 * up to twice the database, and the disk must keep at least `minFreeBytes` for everything else.
 * A backup that would fill the disk would take the live database's WAL down with it.
 */
export function diskRoomForBackup(
  paths: DataPaths,
  databaseBytes: number,
  minFreeBytes: number,
  statfs: StatFs = statfsSync,
): DiskRoom {
  const where = existingAncestor(paths.backupsDir);
  const { bavail, bsize } = statfs(where);
  const free = bavail * bsize;
  const required = Math.max(2 * databaseBytes, minFreeBytes);
  const room: DiskRoom = {
    ok: free >= required,
    free_bytes: free,
    required_bytes: required,
    database_bytes: databaseBytes,
  };
  if (!room.ok) {
    room.error =
      `not enough free disk space for a backup: ${free} bytes free on ${where}, ` +
      `${required} needed (twice the database's ${databaseBytes} bytes, at least ${minFreeBytes})`;
  }
  return room;
}
