import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BackupName, newestFirst, parseBackupName } from './backup-names';
import { checksumFile } from './backup-file';
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

export interface RotationResult {
  kept: string[];
  archived: string[];
  deleted: string[];
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

/**
 * Keeps the newest `keep` backups, moves older ones to archived/, deletes archived ones older
 * than `archiveDays` (by the time in their name), and clears stale `.tmp` leftovers.
 */
export function rotateBackups(
  paths: DataPaths,
  keep: number,
  archiveDays: number,
  now: Date = new Date(),
): RotationResult {
  const result: RotationResult = { kept: [], archived: [], deleted: [], stale_tmp_removed: [] };
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
