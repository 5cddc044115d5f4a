import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthHistoryEntity } from '../madre/health/health-history.entity';
import { MadreHealthModule } from '../madre/health/health.module';
import { MadreIntentsModule } from '../madre/intents/intents.module';
import { ActionPreviewEntity } from './action-preview.entity';
import { AntRunEntity } from './ant-run.entity';
import { AntRunStore } from './ant-run.store';
import { FileDriftService } from './file-drift.service';
import { FsBaselineEntity } from './fs-baseline.entity';
import { HormigueroActionsController } from './hormiguero-actions.controller';
import { HormigueroActionsService } from './hormiguero-actions.service';
import { HormigueroEscalation } from './hormiguero-escalation';
import { HormigueroIncidentsController } from './hormiguero-incidents.controller';
import { HormigueroIncidents } from './hormiguero-incidents.service';
import { HormigueroMetrics } from './hormiguero-metrics';
import { HormigueroScanService } from './hormiguero-scan.service';
import { HormigueroStatusService } from './hormiguero-status.service';
import { HormigueroController } from './hormiguero.controller';
import { HormigueroLifecycle } from './hormiguero.lifecycle';
import { HormigueroQueen } from './queen';

/**
 * hormiguero: the colony. A queen schedules scanner ants (health, db, fs_drift, pressure, logs)
 * on the `hormiguero` queue while the module is active; findings become incidents; a short
 * allowlist of actions runs after a preview and an approval. Dormant by default.
 *
 * Exported for other modules (manifestator): HormigueroScanService.scanOnce(ants?) and
 * selfTest(), and FileDriftService.check() / lastDrift() / baselineInfo().
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      FsBaselineEntity,
      ActionPreviewEntity,
      AntRunEntity,
      HealthHistoryEntity,
    ]),
    MadreHealthModule,
    MadreIntentsModule,
  ],
  controllers: [HormigueroController, HormigueroIncidentsController, HormigueroActionsController],
  providers: [
    HormigueroLifecycle,
    HormigueroQueen,
    HormigueroScanService,
    HormigueroStatusService,
    HormigueroIncidents,
    HormigueroEscalation,
    HormigueroActionsService,
    HormigueroMetrics,
    FileDriftService,
    AntRunStore,
  ],
  exports: [HormigueroLifecycle, HormigueroScanService, FileDriftService],
})
export class HormigueroModule {}
