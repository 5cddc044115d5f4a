import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthUptimeDto, HealthUptimeQuery } from './dto/health-uptime.dto';
import { HealthUptimeService } from './health-uptime.service';
import { DEFAULT_UPTIME_RANGE } from './health-uptime.math';
import { ApiErrors } from '../../core/http/openapi-errors';

@ApiTags('operator')
@Controller('operator/api/health/uptime')
export class HealthUptimeController {
  constructor(private readonly uptime: HealthUptimeService) {}

  @Get()
  @ApiOperation({
    operationId: 'getHealthUptime',
    summary: 'Uptime and response time per module over 24h, 7d or 30d',
    description:
      'Computed from the health monitor history: uptime % (null without checks), checks, failures, p50/p95 latency of the successful checks, and a bounded series of time buckets.',
  })
  @ApiOkResponse({ type: HealthUptimeDto })
  @ApiErrors([400, 'Invalid ?range (validation_failed)'])
  get(@Query() query: HealthUptimeQuery): Promise<HealthUptimeDto> {
    return this.uptime.uptime(query.range ?? DEFAULT_UPTIME_RANGE);
  }
}
