import { ArchitectCycle } from './architect-cycle.service';
import { HealthHistoryController } from './health-history.controller';
import { HealthHistoryEntity } from './health-history.entity';
import { HealthMetrics } from './health-metrics';
import { HealthMonitor } from './health-monitor.service';
import { MadreHealthController } from './health.controller';
import { HealthSchedule } from './health.schedule';
import { IncidentEntity } from './incident.entity';
import { IncidentService } from './incident.service';
import { IncidentsController } from './incidents.controller';
import { ModuleRestarter } from './module-restarter.service';

/** Madre's health monitor, incidents and architect diagnostics, registered by MadreModule. */
export const HEALTH_ENTITIES = [HealthHistoryEntity, IncidentEntity];
export const HEALTH_CONTROLLERS = [
  MadreHealthController,
  IncidentsController,
  HealthHistoryController,
];
export const HEALTH_PROVIDERS = [
  ArchitectCycle,
  HealthMetrics,
  HealthMonitor,
  HealthSchedule,
  IncidentService,
  ModuleRestarter,
];
