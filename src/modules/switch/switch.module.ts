import { Module } from '@nestjs/common';
import { HermesModule } from '../hermes/hermes.module';
import { SwitchModeService } from './switch-mode.service';
import { SwitchController } from './switch.controller';
import { SwitchLifecycle } from './switch.lifecycle';
import { SwitchService } from './switch.service';

/** switch: chat routing across providers; dormant by default. */
@Module({
  imports: [HermesModule],
  controllers: [SwitchController],
  providers: [SwitchLifecycle, SwitchModeService, SwitchService],
  exports: [SwitchLifecycle, SwitchModeService],
})
export class SwitchModule {}
