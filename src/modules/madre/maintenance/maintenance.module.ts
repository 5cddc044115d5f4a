import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MaintenanceMetrics } from './maintenance-metrics';
import { MaintenanceRunEntity } from './maintenance-run.entity';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { MaintenanceService } from './maintenance.service';
import { ServerLockService } from './server-lock.service';

/** Madre's maintenance: runs (checks, retention, verified backups, rotation), the server lock. */
@Module({
  imports: [TypeOrmModule.forFeature([MaintenanceRunEntity])],
  controllers: [MaintenanceController],
  providers: [MaintenanceMetrics, MaintenanceScheduler, MaintenanceService, ServerLockService],
  exports: [MaintenanceScheduler, MaintenanceService],
})
export class MadreMaintenanceModule {}
