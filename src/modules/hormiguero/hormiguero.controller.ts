import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { HormigueroLifecycle } from './hormiguero.lifecycle';

@ApiTags('hormiguero')
@OwnedBy('hormiguero')
@Controller('hormiguero')
export class HormigueroController {
  constructor(private readonly colony: HormigueroLifecycle) {}

  @Get('status')
  async status() {
    return {
      module: 'hormiguero',
      scheduler_running: this.colony.schedulerRunning,
      health: await this.colony.health(),
      last_scan: this.colony.lastReading ?? null,
    };
  }
}
