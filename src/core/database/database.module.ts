import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { databasePath, dataSourceOptions } from './data-source-options';

/** SQLite through TypeORM; schema only through migrations, which run at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(databasePath(config.dataDir)),
        migrationsRun: true,
      }),
    }),
  ],
})
export class DatabaseModule {}
