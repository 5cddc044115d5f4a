import { Module } from '@nestjs/common';
import { HermesModule } from '../hermes/hermes.module';
import { SwitchModule } from '../switch/switch.module';
import { MadreHealthModule } from './health/health.module';
import { MadreIntentsModule } from './intents/intents.module';
import { MadreChatModule } from './chat/chat.module';
import { MadreLifecycle } from './madre.lifecycle';
import { MadreMaintenanceModule } from './maintenance/maintenance.module';
import { MadrePowerModule } from './power/power.module';

/**
 * madre: the control plane (core, always active), made of Nest modules — power, health,
 * maintenance, intents (plans) and chat (the chain and madre's own tier) — and the lifecycle
 * that runs their workers and schedules. Importers get the parts' exports through this module.
 */
@Module({
  imports: [
    MadrePowerModule,
    MadreHealthModule,
    MadreMaintenanceModule,
    MadreIntentsModule,
    MadreChatModule,
    HermesModule,
    SwitchModule,
  ],
  providers: [MadreLifecycle],
  exports: [
    MadrePowerModule,
    MadreHealthModule,
    MadreMaintenanceModule,
    MadreIntentsModule,
    MadreChatModule,
  ],
})
export class MadreModule {}
