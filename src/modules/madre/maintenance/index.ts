import { MaintenanceMetrics } from './maintenance-metrics';
import { MaintenanceRunEntity } from './maintenance-run.entity';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { MaintenanceService } from './maintenance.service';
import { ServerLockService } from './server-lock.service';

/** Madre's maintenance runs, backups and the server lock, registered by MadreModule. */
export const MAINTENANCE_ENTITIES = [MaintenanceRunEntity];
export const MAINTENANCE_CONTROLLERS = [MaintenanceController];
export const MAINTENANCE_PROVIDERS = [
  MaintenanceMetrics,
  MaintenanceScheduler,
  MaintenanceService,
  ServerLockService,
];
