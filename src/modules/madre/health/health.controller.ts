import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { HealthMonitor } from './health-monitor.service';
import { HealthSchedule } from './health.schedule';
import { ApiModuleErrors } from '../../../core/http/openapi-errors';
import { HealthCycleDto, HealthMonitorStatusDto } from './dto/health-responses.dto';

@ApiTags('madre')
@ApiModuleErrors('madre')
@OwnedBy('madre')
@Controller('madre/health')
export class MadreHealthController {
  constructor(
    private readonly monitor: HealthMonitor,
    private readonly schedule: HealthSchedule,
  ) {}

  /** Runs one health cycle now (joins the running one if a cycle is under way). */
  @ApiOperation({
    operationId: 'runHealthCycle',
    summary: 'Run one health cycle now (joins the one under way) and report it',
  })
  @ApiOkResponse({ type: HealthCycleDto })
  @Post('run')
  @HttpCode(200)
  run() {
    return this.monitor.runCycle('manual');
  }

  /** The monitor's view: cadence, last cycle, and each module's streaks and restarts. */
  @ApiOperation({
    operationId: 'getHealthMonitorStatus',
    summary: 'The health monitor: cadence, last cycle, each module’s streaks and restarts',
  })
  @ApiOkResponse({ type: HealthMonitorStatusDto })
  @Get('status')
  status() {
    const last = this.monitor.lastCycle;
    return {
      interval_sec: this.schedule.intervalMs / 1000,
      scheduler_running: this.schedule.running,
      last_cycle: last
        ? {
            trigger: last.trigger,
            started_at: last.started_at,
            finished_at: last.finished_at,
            passed: last.passed,
            total: last.total,
            failing: last.failing,
          }
        : null,
      modules: this.monitor.moduleStates(),
    };
  }
}
