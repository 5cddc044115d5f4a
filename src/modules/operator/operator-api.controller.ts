import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { AppConfig } from '../../core/config/app-config';
import { MetricsQueryDto } from './dto/metrics-query.dto';
import { OperatorSettingsDto } from './dto/settings.dto';
import { effectiveConfig } from './effective-config';
import { MetricsSampler } from './metrics-sampler.service';
import { OperatorSettingsService } from './operator-settings.service';
import { OperatorStatusService } from './operator-status.service';
import { ApiErrors } from '../../core/http/openapi-errors';
import {
  CapabilitiesDto,
  EffectiveConfigDto,
  MetricSamplesDto,
  ModuleListDto,
  OperatorSettingsViewDto,
  OperatorStatusDto,
} from './dto/operator-responses.dto';

const DEFAULT_METRICS_WINDOW_SEC = 3600;

@ApiTags('operator')
@ApiExtraModels(EffectiveConfigDto)
@Controller('operator')
export class OperatorApiController {
  constructor(
    private readonly status: OperatorStatusService,
    private readonly config: AppConfig,
    private readonly sampler: MetricsSampler,
    private readonly settings: OperatorSettingsService,
  ) {}

  @ApiOperation({
    operationId: 'getOperatorStatus',
    summary: 'Core and optional services, degraded or not, the open window',
  })
  @ApiOkResponse({ type: OperatorStatusDto })
  @Get('api/status')
  systemStatus() {
    return this.status.status();
  }

  @ApiOperation({
    operationId: 'listModules',
    summary: 'Every module: state, role and the health monitor’s last check',
  })
  @ApiOkResponse({ type: ModuleListDto })
  @Get('api/modules')
  modules() {
    return this.status.modules();
  }

  @ApiOperation({
    operationId: 'getEffectiveConfig',
    summary: 'The configuration in effect, secrets redacted',
  })
  @ApiOkResponse({
    description:
      'Every configuration field (config/default.json); the ones below are the usual ones',
    schema: { allOf: [{ $ref: getSchemaPath(EffectiveConfigDto) }], additionalProperties: true },
  })
  @Get('api/config')
  effectiveConfig() {
    return effectiveConfig(this.config);
  }

  @ApiOperation({
    operationId: 'getMetricSamples',
    summary: 'Stored metric samples (?name, ?window_seconds, ?module), oldest first',
  })
  @ApiOkResponse({ type: MetricSamplesDto })
  @ApiErrors([400, 'Invalid query (validation_failed)'])
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

  @ApiOperation({
    operationId: 'getCapabilities',
    summary: 'Operational mode and which features are on, dormant or off',
  })
  @ApiOkResponse({ type: CapabilitiesDto })
  @Get('capabilities')
  capabilities() {
    return this.status.capabilities();
  }

  @ApiOperation({ operationId: 'postCapabilities', summary: 'Same as GET /operator/capabilities' })
  @ApiOkResponse({ type: CapabilitiesDto })
  @Post('capabilities')
  @HttpCode(200)
  capabilitiesPost() {
    return this.status.capabilities();
  }

  @ApiOperation({ operationId: 'getSettings', summary: 'The operator’s console preferences' })
  @ApiOkResponse({ type: OperatorSettingsViewDto })
  @Get('api/settings')
  getSettings() {
    return this.settings.get();
  }

  @ApiOperation({
    operationId: 'updateSettings',
    summary: 'Change some preferences (a partial merge); answers all of them',
  })
  @ApiOkResponse({ type: OperatorSettingsViewDto })
  @Post('api/settings')
  @HttpCode(200)
  updateSettings(@Body() body: OperatorSettingsDto) {
    return this.settings.update(body);
  }
}
