import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { HumanLogService } from '../logging/human-log.service';
import { DataDirInUseError } from './data-dir-lock';
import { databasePath, dataSourceOptions } from './data-source-options';
import { openDataSourceHoldingDataDir } from './held-data-source';
import { MIGRATION_HOOKS, MigrationFailedError, MigrationHooks } from './migration-runner';

/**
 * SQLite through TypeORM; schema only through migrations, which run at start after a verified
 * pre-migration backup (written to architect.log as `BD BACKUP`).
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, HumanLogService],
      useFactory: (config: AppConfig, humanLog: HumanLogService) => {
        const hooks: MigrationHooks = {
          backupsDir: join(config.dataDir, 'backups'),
          log: (event, message) => humanLog.write('architect', event, message),
          // a failed start exits right after: let the lines logged so far reach the file
          flush: () => humanLog.onApplicationShutdown(),
        };
        return {
          // each module registers its own entities with TypeOrmModule.forFeature
          ...dataSourceOptions(databasePath(config.dataDir), []),
          autoLoadEntities: true,
          migrationsRun: true,
          // another process holding the data dir, or a failed migration already undone, is an
          // answer, not a glitch to retry
          toRetry: (err: unknown) =>
            !(err instanceof DataDirInUseError) && !(err instanceof MigrationFailedError),
          [MIGRATION_HOOKS]: hooks,
        };
      },
      dataSourceFactory: (options) => openDataSourceHoldingDataDir(options!),
    }),
  ],
})
export class DatabaseModule {}
