import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModuleStateEntity } from '../../core/registry/module-state.entity';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';
import { ModulePowerService } from './module-power.service';
import { PowerEventEntity } from './power-event.entity';
import { PowerService } from './power.service';

/** madre: the control plane and power manager (core, always active). */
@Module({
  imports: [TypeOrmModule.forFeature([ModuleStateEntity, PowerEventEntity])],
  providers: [passiveLifecycle('madre'), ModulePowerService, PowerService],
  exports: [PowerService, ModulePowerService],
})
export class MadreModule {}
