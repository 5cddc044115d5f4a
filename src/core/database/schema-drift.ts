import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

export interface SchemaDiff {
  up: string[];
  down: string[];
}

/**
 * What `migration:generate` would produce for a database at `file` after running every
 * migration: empty when `entities` and the migrations agree.
 */
export async function schemaDriftAfterMigrations(
  file: string,
  entities: NonNullable<DataSourceOptions['entities']>,
): Promise<SchemaDiff> {
  const dataSource = new DataSource(dataSourceOptions(file, entities));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((q) => q.query),
      down: sql.downQueries.map((q) => q.query),
    };
  } finally {
    await dataSource.destroy();
  }
}
