import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { holdDataDir } from './data-dir-lock';
import { MigrationHooks, migrationHooksOf, migrateWithBackup } from './migration-runner';

/**
 * The app's DataSource, opened only once this process holds the data dir (so no second server
 * runs migrations on a live database). With `migrationsRun`, pending migrations run after a
 * verified pre-migration backup (see migration-runner). The hold is given back after the
 * DataSource is destroyed, never before.
 */
export async function openDataSourceHoldingDataDir(
  options: DataSourceOptions,
  hooks: MigrationHooks = migrationHooksOf(options),
): Promise<DataSource> {
  const file = options.database as string;
  const hold = holdDataDir(dirname(file), { role: 'server' });
  // TypeORM would migrate inside initialize(), before any backup: the runner does it instead
  const dataSource = new DataSource({ ...options, migrationsRun: false } as DataSourceOptions);
  try {
    await dataSource.initialize();
    if (options.migrationsRun) await migrateWithBackup(dataSource, hooks);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    hold.release();
    throw err;
  }
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    try {
      await destroy();
    } finally {
      hold.release();
    }
  };
  return dataSource;
}
