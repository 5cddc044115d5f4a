import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModuleStateEntity } from '../../core/registry/module-state.entity';
import { HermesModule } from '../hermes/hermes.module';
import { SwitchModule } from '../switch/switch.module';
import { HEALTH_CONTROLLERS, HEALTH_ENTITIES, HEALTH_PROVIDERS } from './health';
import {
  MAINTENANCE_CONTROLLERS,
  MAINTENANCE_ENTITIES,
  MAINTENANCE_PROVIDERS,
} from './maintenance';
import { HealthMonitor } from './health/health-monitor.service';
import { IncidentService } from './health/incident.service';
import { MadreChatController } from './madre-chat.controller';
import { MadreSettingEntity } from './madre-setting.entity';
import { MadreLifecycle } from './madre.lifecycle';
import { ModulePowerService } from './module-power.service';
import { PolicyStore } from './policy-store';
import { PowerEventEntity } from './power-event.entity';
import { PowerLock } from './power-lock';
import { PowerController } from './power.controller';
import { PowerService } from './power.service';
import { WindowAliasController } from './window-alias.controller';
import { WindowExpiryScheduler } from './window-expiry.scheduler';
import { PowerWindowEntity } from './window.entity';
import { WindowService } from './window.service';

/** madre: the control plane and power manager (core, always active). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ModuleStateEntity,
      PowerEventEntity,
      PowerWindowEntity,
      MadreSettingEntity,
      ...HEALTH_ENTITIES,
      ...MAINTENANCE_ENTITIES,
    ]),
    HermesModule,
    SwitchModule,
  ],
  controllers: [
    PowerController,
    WindowAliasController,
    MadreChatController,
    ...HEALTH_CONTROLLERS,
    ...MAINTENANCE_CONTROLLERS,
  ],
  providers: [
    MadreLifecycle,
    ModulePowerService,
    PolicyStore,
    PowerLock,
    PowerService,
    WindowExpiryScheduler,
    WindowService,
    ...HEALTH_PROVIDERS,
    ...MAINTENANCE_PROVIDERS,
  ],
  exports: [PowerService, WindowService, ModulePowerService, IncidentService, HealthMonitor],
})
export class MadreModule {}
