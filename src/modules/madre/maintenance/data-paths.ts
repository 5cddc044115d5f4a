import { join } from 'node:path';
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
  /** Written by a running server; the CLI refuses to restore while its pid is alive. */
  lockFile: string;
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
    lockFile: join(dataDir, 'vx11.pid'),
  };
}
