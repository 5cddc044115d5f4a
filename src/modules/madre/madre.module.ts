import { Module } from '@nestjs/common';
import { HermesModule } from '../hermes/hermes.module';
import { SwitchModule } from '../switch/switch.module';
import { MadreHealthModule } from './health/health.module';
import { MadreChatController } from './madre-chat.controller';
import { MadreLifecycle } from './madre.lifecycle';
import { MadreMaintenanceModule } from './maintenance/maintenance.module';
import { MadrePowerModule } from './power/power.module';

/**
 * madre: the control plane (core, always active), made of three Nest modules — power, health
 * and maintenance — plus its own chat tier and the lifecycle that runs their workers and
 * schedules. Importers get the three parts' exports through this module.
 */
@Module({
  imports: [
    MadrePowerModule,
    MadreHealthModule,
    MadreMaintenanceModule,
    HermesModule,
    SwitchModule,
  ],
  controllers: [MadreChatController],
  providers: [MadreLifecycle],
  exports: [MadrePowerModule, MadreHealthModule, MadreMaintenanceModule],
})
export class MadreModule {}
