import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { HealthMonitor } from '../madre/health/health-monitor.service';
import { HormigueroLifecycle } from './hormiguero.lifecycle';
import { ApiModuleErrors } from '../../core/http/openapi-errors';
import { HormigueroStatusDto } from './dto/hormiguero-responses.dto';

@ApiTags('hormiguero')
@ApiModuleErrors('hormiguero')
@OwnedBy('hormiguero')
@Controller('hormiguero')
export class HormigueroController {
  constructor(
    private readonly colony: HormigueroLifecycle,
    private readonly monitor: HealthMonitor,
  ) {}

  @ApiOperation({
    operationId: 'getHormigueroStatus',
    summary: 'The colony: scheduler, last health check and last pressure scan',
  })
  @ApiOkResponse({ type: HormigueroStatusDto })
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
