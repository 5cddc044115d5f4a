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
import { MadreSettingEntity } from './power/madre-setting.entity';
import { MadreLifecycle } from './madre.lifecycle';
import { ModulePowerService } from './power/module-power.service';
import { PolicyStore } from './power/policy-store';
import { PowerEventEntity } from './power/power-event.entity';
import { PowerLock } from './power/power-lock';
import { PowerController } from './power/power.controller';
import { PowerService } from './power/power.service';
import { WindowAliasController } from './power/window-alias.controller';
import { WindowExpiryScheduler } from './power/window-expiry.scheduler';
import { PowerWindowEntity } from './power/window.entity';
import { WindowService } from './power/window.service';

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
