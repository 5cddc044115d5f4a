import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { holdDataDir } from './data-dir-lock';

/**
 * The app's DataSource, opened only once this process holds the data dir (so no second server
 * runs migrations on a live database). The hold is given back after the DataSource is
 * destroyed, never before.
 */
export async function openDataSourceHoldingDataDir(
  options: DataSourceOptions,
): Promise<DataSource> {
  const file = options.database as string;
  const hold = holdDataDir(dirname(file), { role: 'server' });
  const dataSource = new DataSource(options);
  try {
    await dataSource.initialize(); // runs the migrations when options.migrationsRun
  } catch (err) {
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
