import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MadreIntentsModule } from '../madre/intents/intents.module';
import { CodeRunnerService } from './code-runner.service';
import { SpawnAliasController } from './spawn-alias.controller';
import { SpawnerMetrics } from './spawner-metrics';
import { SpawnerRecovery } from './spawner-recovery';
import { SpawnerRequestStep } from './spawner-request.step';
import { SpawnerRunEntity } from './spawner-run.entity';
import { SpawnerRunStore } from './spawner-run.store';
import { SpawnerController } from './spawner.controller';
import { SpawnerLifecycle } from './spawner.lifecycle';
import { SpawnerService } from './spawner.service';

/**
 * spawner: allowlisted programs run as argv with a TTL, process-group kill and capped output,
 * only while a window (or the policy) keeps it active. Dormant by default.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SpawnerRunEntity]), MadreIntentsModule],
  controllers: [SpawnerController, SpawnAliasController],
  providers: [
    CodeRunnerService,
    SpawnerLifecycle,
    SpawnerMetrics,
    SpawnerRecovery,
    SpawnerRequestStep,
    SpawnerRunStore,
    SpawnerService,
  ],
  exports: [SpawnerService],
})
export class SpawnerModule {}
