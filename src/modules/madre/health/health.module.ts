import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MadrePowerModule } from '../power/power.module';
import { ArchitectCycle } from './architect-cycle.service';
import { HealthHistoryEntity } from './health-history.entity';
import { HealthHistoryStore } from './health-history.store';
import { HealthMetrics } from './health-metrics';
import { HealthMonitor } from './health-monitor.service';
import { MadreHealthController } from './health.controller';
import { HealthSchedule } from './health.schedule';
import { IncidentMetrics } from './incident-metrics';
import { IncidentEntity } from './incident.entity';
import { IncidentService } from './incident.service';
import { ModuleRestarter } from './module-restarter.service';

/** Madre's health: the monitor and its schedule, history, incidents, restarts, the architect. */
@Module({
  imports: [TypeOrmModule.forFeature([HealthHistoryEntity, IncidentEntity]), MadrePowerModule],
  controllers: [MadreHealthController],
  providers: [
    ArchitectCycle,
    HealthHistoryStore,
    HealthMetrics,
    HealthMonitor,
    HealthSchedule,
    IncidentMetrics,
    IncidentService,
    ModuleRestarter,
  ],
  exports: [ArchitectCycle, HealthHistoryStore, HealthMonitor, HealthSchedule, IncidentService],
})
export class MadreHealthModule {}
