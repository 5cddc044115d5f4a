import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiError } from '../../core/errors/api-error';
import { QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { withTimeout } from '../../core/util/with-timeout';
import { RecordResultDto, SelectEngineDto } from '../hermes/dto/engine.dto';
import { EngineRegistry } from '../hermes/engine-registry.service';
import { ProviderScoreboard } from '../hermes/provider-scoreboard.service';
import { TierRouter } from '../hermes/tier-router.service';
import { SwitchControlDto, TierChatDto } from './dto/switch.dto';
import { SwitchModeService } from './switch-mode.service';
import { chatWithTier } from '../hermes/tier-chat';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import {
  EngineChoiceDto,
  EngineHealthListDto,
  EngineResultDto,
  SwitchModeDto,
  SwitchModeListDto,
  SwitchProvidersDto,
  SwitchQueueStatusDto,
  TierChatResultDto,
} from './dto/switch-responses.dto';

const QUEUE_STATUS_TIMEOUT_MS = 1000;

@ApiTags('switch')
@ApiModuleErrors('switch')
@ApiExtraModels(SwitchModeDto, SwitchModeListDto)
@OwnedBy('switch')
@Controller('switch')
export class SwitchController {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
    private readonly router: TierRouter,
    private readonly mode: SwitchModeService,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
  ) {}

  @ApiOperation({
    operationId: 'switchChat',
    summary: 'Chat with the switch tier directly: the best provider, then the next on failure',
  })
  @ApiOkResponse({ type: TierChatResultDto })
  @Post('chat')
  @HttpCode(200)
  chat(@Body() body: TierChatDto) {
    return chatWithTier(this.router, 'switch', body, this.mode.timeoutMs);
  }

  @ApiOperation({
    operationId: 'listSwitchProviders',
    summary: 'Providers, best first, with score, breaker and budget use',
  })
  @ApiOkResponse({ type: SwitchProvidersDto })
  @Get('providers')
  providers() {
    return {
      mode: this.mode.mode,
      providers: this.scoreboard.rank(this.engines.list()).map((p) => ({
        name: p.name,
        tier: p.tier,
        model: p.model,
        source: p.source,
        priority: p.priority,
        ...this.scoreboard.snapshot(p),
      })),
    };
  }

  @ApiOperation({
    operationId: 'controlSwitchMode',
    summary: 'Get, set or list the modes (each sets the per-call timeout)',
  })
  @ApiOkResponse({
    description: 'get_mode and set_mode: the mode; list_modes: every mode',
    schema: {
      oneOf: [{ $ref: getSchemaPath(SwitchModeDto) }, { $ref: getSchemaPath(SwitchModeListDto) }],
    },
  })
  @ApiErrors([400, 'Invalid body, or set_mode without mode (validation_failed)'])
  @Post('control')
  @HttpCode(200)
  control(@Body() body: SwitchControlDto) {
    if (body.action === 'list_modes') return { mode: this.mode.mode, modes: this.mode.modes() };
    if (body.action === 'set_mode') {
      if (!body.mode)
        throw new ApiError(400, 'validation_failed', 'set_mode needs "mode"', [
          { field: 'mode', errors: ['mode is required for set_mode'] },
        ]);
      this.mode.set(body.mode);
    }
    return { mode: this.mode.mode, timeout_ms: this.mode.timeoutMs };
  }

  @ApiOperation({
    operationId: 'getSwitchQueueStatus',
    summary: 'The switch queue: depth and job counts (only redis:"down" without Redis)',
  })
  @ApiOkResponse({ type: SwitchQueueStatusDto })
  @Get('queue/status')
  async queueStatus() {
    if (!this.redis.isUp()) return { queue: QueueName.Switch, redis: 'down' };
    const counts = await withTimeout(
      this.queues
        .queue(QueueName.Switch)
        .getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
      QUEUE_STATUS_TIMEOUT_MS,
      'queue status',
    );
    return {
      queue: QueueName.Switch,
      redis: 'up',
      depth: counts.waiting + counts.delayed,
      ...counts,
    };
  }

  /** Which engine a query would go to now, and why. */
  @ApiOperation({
    operationId: 'selectEngine',
    summary: 'Which switch-tier engine a query would go to now, and why',
  })
  @ApiOkResponse({ type: EngineChoiceDto })
  @Post('hermes/select_engine')
  @HttpCode(200)
  selectEngine(@Body() body: SelectEngineDto) {
    const allowed = body.available_engines;
    const candidates = this.scoreboard
      .rank(this.engines.byTier('switch').filter((p) => !allowed || allowed.includes(p.name)))
      .map((p) => ({ engine: p.name, model: p.model, ...this.scoreboard.snapshot(p) }));
    const chosen = candidates.find((c) => c.score > 0) ?? null;
    return {
      engine: chosen?.engine ?? null,
      reason: chosen
        ? `highest score ${chosen.score} (success rate, latency, budget headroom, breaker ${chosen.breaker.state})`
        : candidates.length === 0
          ? 'no switch-tier engine registered'
          : 'every engine is over budget or has an open breaker',
      candidates,
    };
  }

  @ApiOperation({
    operationId: 'recordEngineResult',
    summary: 'Feed an engine’s success or failure back into its score',
  })
  @ApiOkResponse({ type: EngineResultDto })
  @ApiErrors([404, 'No such engine (engine_not_found)'])
  @Post('hermes/record_result')
  @HttpCode(200)
  async recordResult(@Body() body: RecordResultDto) {
    const engine = this.engines.get(body.engine);
    if (!engine) throw new ApiError(404, 'engine_not_found', `No engine named ${body.engine}`);
    if (body.success)
      await this.scoreboard.recordSuccess(engine.name, body.latency_ms, body.tokens ?? 0);
    else await this.scoreboard.recordFailure(engine.name);
    return { engine: engine.name, ...this.scoreboard.snapshot(engine) };
  }

  @ApiOperation({ operationId: 'getEngineHealth', summary: 'Every engine: health and score' })
  @ApiOkResponse({ type: EngineHealthListDto })
  @Get('hermes/status')
  hermesStatus() {
    return {
      engines: this.engines.list().map((p) => ({
        engine: p.name,
        tier: p.tier,
        healthy: this.scoreboard.breaker(p.name).state !== 'open' && !this.scoreboard.overBudget(p),
        ...this.scoreboard.snapshot(p),
      })),
    };
  }
}
