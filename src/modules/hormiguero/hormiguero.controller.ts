import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { HealthMonitor } from '../madre/health/health-monitor.service';
import { HormigueroLifecycle } from './hormiguero.lifecycle';

@ApiTags('hormiguero')
@OwnedBy('hormiguero')
@Controller('hormiguero')
export class HormigueroController {
  constructor(
    private readonly colony: HormigueroLifecycle,
    private readonly monitor: HealthMonitor,
  ) {}

  @Get('status')
  status() {
    return {
      module: 'hormiguero',
      scheduler_running: this.colony.schedulerRunning,
      // the health monitor's last check: a view never runs the check itself
      health: this.monitor.lastCheck('hormiguero') ?? null,
      last_scan: this.colony.lastReading ?? null,
    };
  }
}
