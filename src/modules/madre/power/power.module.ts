import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModuleStateEntity } from '../../../core/registry/module-state.entity';
import { MadreSettingEntity } from './madre-setting.entity';
import { ModulePowerService } from './module-power.service';
import { PolicyStore } from './policy-store';
import { PowerEventEntity } from './power-event.entity';
import { PowerLock } from './power-lock';
import { PowerController } from './power.controller';
import { PowerService } from './power.service';
import { WindowExpiryScheduler } from './window-expiry.scheduler';
import { WindowRequests } from './window-requests.service';
import { PowerWindowEntity } from './window.entity';
import { WindowService } from './window.service';

/** Madre's power manager: policies, windows and their expiry, the one writer of module state. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ModuleStateEntity,
      PowerEventEntity,
      PowerWindowEntity,
      MadreSettingEntity,
    ]),
  ],
  controllers: [PowerController],
  providers: [
    ModulePowerService,
    PolicyStore,
    PowerLock,
    PowerService,
    WindowExpiryScheduler,
    WindowRequests,
    WindowService,
  ],
  exports: [ModulePowerService, PowerLock, PowerService, WindowRequests, WindowService],
})
export class MadrePowerModule {}
