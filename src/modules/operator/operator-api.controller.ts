import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../core/config/app-config';
import { MetricsQueryDto } from './dto/metrics-query.dto';
import { OperatorSettingsDto } from './dto/settings.dto';
import { effectiveConfig } from './effective-config';
import { MetricsSampler } from './metrics-sampler.service';
import { OperatorSettingsService } from './operator-settings.service';
import { OperatorStatusService } from './operator-status.service';

const DEFAULT_METRICS_WINDOW_SEC = 3600;

@ApiTags('operator')
@Controller('operator')
export class OperatorApiController {
  constructor(
    private readonly status: OperatorStatusService,
    private readonly config: AppConfig,
    private readonly sampler: MetricsSampler,
    private readonly settings: OperatorSettingsService,
  ) {}

  @Get('api/status')
  systemStatus() {
    return this.status.status();
  }

  @Get('api/modules')
  modules() {
    return this.status.modules();
  }

  @Get('api/config')
  effectiveConfig() {
    return effectiveConfig(this.config);
  }

  @Get('api/metrics')
  metrics(@Query() query: MetricsQueryDto) {
    const windowSeconds = query.window_seconds ?? DEFAULT_METRICS_WINDOW_SEC;
    const samples = this.sampler.query(windowSeconds, query.name, query.module);
    return {
      window_seconds: windowSeconds,
      interval_sec: this.config.operator.sampleIntervalSec,
      count: samples.length,
      samples,
    };
  }

  @Get('capabilities')
  capabilities() {
    return this.status.capabilities();
  }

  @Post('capabilities')
  @HttpCode(200)
  capabilitiesPost() {
    return this.status.capabilities();
  }

  @Get('api/settings')
  getSettings() {
    return this.settings.get();
  }

  @Post('api/settings')
  @HttpCode(200)
  updateSettings(@Body() body: OperatorSettingsDto) {
    return this.settings.update(body);
  }
}
