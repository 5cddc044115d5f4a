import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { sqliteNativeBinding } from '../sea/native-binding';
import { makeDatabaseFilesPrivate } from './file-modes';

export const DATABASE_FILE = 'vx11.db';
export const BUSY_TIMEOUT_MS = 5000;

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/**
 * Pragmas every connection gets: WAL for concurrent readers, enforced foreign keys. The database
 * file is made owner-only first: SQLite gives the WAL and shared-memory files it creates the
 * database file's mode.
 */
export function applyPragmas(db: Database.Database): void {
  if (!db.memory) makeDatabaseFilesPrivate(db.name);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('synchronous = NORMAL');
}

/**
 * One definition shared by the app, the CLI and the migration drift check. The entities come
 * from the caller: core knows no module's tables (the app loads them from each module's
 * TypeOrmModule.forFeature; the others pass src/entities.ts).
 */
export function dataSourceOptions(
  file: string,
  entities: NonNullable<DataSourceOptions['entities']>,
): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database: file,
    entities,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    timeout: BUSY_TIMEOUT_MS,
    prepareDatabase: applyPragmas,
    // the release's addon (core/sea); TypeORM types it a path but passes an addon object on
    nativeBinding: sqliteNativeBinding() as string | undefined,
  };
}
