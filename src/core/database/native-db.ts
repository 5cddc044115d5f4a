import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/**
 * The better-sqlite3 handle behind TypeORM. Multi-statement writes use its synchronous
 * transactions: TypeORM's async transactions share the one connection, so two concurrent ones
 * collide ("cannot start a transaction within a transaction").
 */
export function nativeDb(dataSource: DataSource): Database.Database {
  return (dataSource.driver as unknown as { databaseConnection: Database.Database })
    .databaseConnection;
}
