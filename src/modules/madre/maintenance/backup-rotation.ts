import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BackupName, newestFirst, parseBackupName } from './backup-names';
import { checksumFile } from '../../../core/database/backup-file-io';
import { DataPaths } from './data-paths';

const DAY_MS = 24 * 3600 * 1000;
/** A `.tmp` older than this is the leftover of a run that died mid-copy. */
const STALE_TMP_MS = 3600 * 1000;

export interface BackupEntry {
  name: string;
  file: string;
  location: 'kept' | 'archived';
  bytes: number;
  created_at: string;
  has_checksum: boolean;
}

export interface RotationPolicy {
  /** Newest backups kept in backups/; older ones move to archived/. */
  keep: number;
  /** Archived backups older than this (by the time in their name) are deleted. */
  archiveDays: number;
  /** The archive's total size (backups and checksums); the oldest go first past it. */
  archiveMaxBytes?: number;
}

export interface RotationResult {
  kept: string[];
  archived: string[];
  /** Archived backups deleted for their age. */
  deleted: string[];
  /** Archived backups deleted, oldest first, to bring the archive under its size cap. */
  deleted_over_cap: string[];
  /** The archive's size once rotated. */
  archive_bytes: number;
  stale_tmp_removed: string[];
}

function backupsIn(dir: string): BackupName[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => parseBackupName(name))
    .filter((b): b is BackupName => b !== null)
    .sort(newestFirst);
}

/** A backup and its checksum sidecar travel together. */
function moveWithSidecar(from: string, to: string): void {
  renameSync(from, to);
  if (existsSync(checksumFile(from))) renameSync(checksumFile(from), checksumFile(to));
}

function removeWithSidecar(file: string): void {
  rmSync(file, { force: true });
  rmSync(checksumFile(file), { force: true });
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);
const bytesWithSidecar = (file: string) => sizeOf(file) + sizeOf(checksumFile(file));

/**
 * Deletes archived backups, oldest first, until the archive fits in `maxBytes`; returns the
 * names deleted and the archive's size after.
 */
function capArchive(paths: DataPaths, maxBytes: number): { deleted: string[]; bytes: number } {
  const archived = backupsIn(paths.archivedDir).map((b) => ({
    name: b.name,
    file: join(paths.archivedDir, b.name),
  }));
  let bytes = archived.reduce((sum, b) => sum + bytesWithSidecar(b.file), 0);
  const deleted: string[] = [];
  for (const b of archived.reverse()) {
    if (bytes <= maxBytes) break;
    bytes -= bytesWithSidecar(b.file);
    removeWithSidecar(b.file);
    deleted.push(b.name);
  }
  return { deleted, bytes };
}

/**
 * Keeps the newest `keep` backups, moves older ones to archived/, deletes archived ones older
 * than `archiveDays` (by the time in their name), then the oldest archived ones while the
 * archive is over `archiveMaxBytes`, and clears stale `.tmp` leftovers.
 */
export function rotateBackups(
  paths: DataPaths,
  policy: RotationPolicy,
  now: Date = new Date(),
): RotationResult {
  const { keep, archiveDays } = policy;
  const result: RotationResult = {
    kept: [],
    archived: [],
    deleted: [],
    deleted_over_cap: [],
    archive_bytes: 0,
    stale_tmp_removed: [],
  };
  const current = backupsIn(paths.backupsDir);
  result.kept = current.slice(0, keep).map((b) => b.name);
  const older = current.slice(keep);
  if (older.length > 0) mkdirSync(paths.archivedDir, { recursive: true });
  for (const b of older) {
    moveWithSidecar(join(paths.backupsDir, b.name), join(paths.archivedDir, b.name));
    result.archived.push(b.name);
  }
  const cutoff = now.getTime() - archiveDays * DAY_MS;
  for (const b of backupsIn(paths.archivedDir)) {
    if (b.at.getTime() < cutoff) {
      removeWithSidecar(join(paths.archivedDir, b.name));
      result.deleted.push(b.name);
    }
  }
  const capped = capArchive(paths, policy.archiveMaxBytes ?? Infinity);
  result.deleted_over_cap = capped.deleted;
  result.archive_bytes = capped.bytes;
  if (existsSync(paths.backupsDir)) {
    for (const name of readdirSync(paths.backupsDir).filter((n) => n.endsWith('.tmp'))) {
      const file = join(paths.backupsDir, name);
      if (now.getTime() - statSync(file).mtimeMs > STALE_TMP_MS) {
        rmSync(file, { force: true });
        result.stale_tmp_removed.push(name);
      }
    }
  }
  return result;
}

/** Every backup, kept ones first, each newest first. */
export function listBackups(paths: DataPaths): BackupEntry[] {
  const entry = (dir: string, location: BackupEntry['location']) => (b: BackupName) => {
    const file = join(dir, b.name);
    return {
      name: b.name,
      file,
      location,
      bytes: statSync(file).size,
      created_at: b.at.toISOString(),
      has_checksum: existsSync(checksumFile(file)),
    };
  };
  return [
    ...backupsIn(paths.backupsDir).map(entry(paths.backupsDir, 'kept')),
    ...backupsIn(paths.archivedDir).map(entry(paths.archivedDir, 'archived')),
  ];
}

/** The newest verified backup (only verified copies are ever renamed into place). */
export function newestBackup(paths: DataPaths): BackupEntry | undefined {
  return listBackups(paths).sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
}
