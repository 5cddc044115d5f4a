import { join } from 'node:path';
import { dataDirHolderFile, dataDirLockFile } from '../../../core/database/data-dir-lock';
import { databasePath } from '../../../core/database/data-source-options';

/** Where maintenance keeps its files under the data dir (CONTRACT §7). */
export interface DataPaths {
  dataDir: string;
  dbFile: string;
  backupsDir: string;
  archivedDir: string;
  /** Copies of the database taken by `vx11 restore` before it swaps the file. */
  safetyDir: string;
  dbmapDir: string;
  scorecardFile: string;
  /** Locked (an OS lock) by the one process using the data dir: see core/database/data-dir-lock. */
  lockFile: string;
  /** Who holds that lock (pid, role, start time, port): information only, written by the holder. */
  pidFile: string;
}

export function dataPaths(dataDir: string): DataPaths {
  const backupsDir = join(dataDir, 'backups');
  return {
    dataDir,
    dbFile: databasePath(dataDir),
    backupsDir,
    archivedDir: join(backupsDir, 'archived'),
    safetyDir: join(backupsDir, 'safety'),
    dbmapDir: join(dataDir, 'dbmap'),
    scorecardFile: join(dataDir, 'SCORECARD.json'),
    lockFile: dataDirLockFile(dataDir),
    pidFile: dataDirHolderFile(dataDir),
  };
}
