import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { DataDirInUseError } from './data-dir-lock';
import { databasePath, dataSourceOptions } from './data-source-options';
import { openDataSourceHoldingDataDir } from './held-data-source';

/** SQLite through TypeORM; schema only through migrations, which run at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // each module registers its own entities with TypeOrmModule.forFeature
        ...dataSourceOptions(databasePath(config.dataDir), []),
        autoLoadEntities: true,
        migrationsRun: true,
        // another process holding the data dir is an answer, not a glitch to retry
        toRetry: (err: unknown) => !(err instanceof DataDirInUseError),
      }),
      dataSourceFactory: (options) => openDataSourceHoldingDataDir(options!),
    }),
  ],
})
export class DatabaseModule {}
