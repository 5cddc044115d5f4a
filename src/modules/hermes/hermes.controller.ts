import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { RegisterEngineDto } from './dto/engine.dto';
import { EngineRegistry } from './engine-registry.service';
import { listModels } from './openai-client';
import { Provider } from './provider';
import { ProviderScoreboard } from './provider-scoreboard.service';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import {
  DiscoveryDto,
  EngineDeletedDto,
  EngineDto,
  EngineListDto,
} from './dto/engine-responses.dto';

const DISCOVERY_TIMEOUT_MS = 5000;

/** The engine registry: providers from config plus engines registered at runtime. */
@ApiTags('hermes')
@ApiModuleErrors('hermes')
@OwnedBy('hermes')
@Controller('hermes')
export class HermesController {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
  ) {}

  @ApiOperation({
    operationId: 'listEngines',
    summary: 'Engines from config and registered at runtime',
  })
  @ApiOkResponse({ type: EngineListDto })
  @Get('engines')
  list() {
    return { engines: this.engines.list().map((p) => this.view(p)) };
  }

  @ApiOperation({ operationId: 'registerEngine', summary: 'Register an OpenAI-compatible engine' })
  @ApiCreatedResponse({ type: EngineDto })
  @ApiErrors(
    [409, 'The name is taken (engine_exists)'],
    [422, 'api_key_env names a variable engines may not use (api_key_env_not_allowed)'],
  )
  @Post('engines')
  @HttpCode(201)
  async register(@Body() body: RegisterEngineDto) {
    const provider = await this.engines.add({
      name: body.name,
      tier: body.tier,
      base_url: body.base_url,
      model: body.model,
      api_key_env: body.api_key_env ?? null,
      timeout_ms: body.timeout_ms ?? null,
      priority: body.priority ?? 0,
      daily_token_budget: body.daily_token_budget ?? null,
    });
    return this.view(provider);
  }

  @ApiOperation({ operationId: 'removeEngine', summary: 'Remove an engine registered at runtime' })
  @ApiParam({ name: 'name', description: 'The engine’s name', example: 'local-llama' })
  @ApiOkResponse({ type: EngineDeletedDto })
  @ApiErrors(
    [404, 'No such engine (engine_not_found)'],
    [409, 'It comes from config (engine_from_config)'],
  )
  @Delete('engines/:name')
  async remove(@Param('name') name: string) {
    await this.engines.remove(name);
    return { deleted: name };
  }

  /** Asks every engine for its models (`GET {base_url}/models`), in parallel. */
  @ApiOperation({
    operationId: 'discoverEngineModels',
    summary: 'Ask every engine for its models (GET {base_url}/models), in parallel',
  })
  @ApiOkResponse({ type: DiscoveryDto })
  @Post('discover')
  @HttpCode(200)
  async discover() {
    const results = await Promise.all(
      this.engines.list().map(async (p) => {
        try {
          const models = await listModels(
            p,
            Math.min(p.timeout_ms ?? DISCOVERY_TIMEOUT_MS, DISCOVERY_TIMEOUT_MS),
          );
          await this.engines.setModels(p.name, models);
          return { engine: p.name, ok: true, models };
        } catch (err) {
          return { engine: p.name, ok: false, error: (err as Error).message };
        }
      }),
    );
    return { engines: results };
  }

  /** Public view: the key's env var name is shown, never a key. */
  private view(p: Provider) {
    return {
      name: p.name,
      tier: p.tier,
      base_url: p.base_url,
      model: p.model,
      api_key_env: p.api_key_env ?? null,
      // only for a variable the engine may use: the presence of any other is nobody's business
      api_key_present:
        this.engines.keyPolicy.allows(p.api_key_env) && !p.api_key_refused
          ? Boolean(process.env[p.api_key_env])
          : false,
      api_key_refused: p.api_key_refused ?? null,
      timeout_ms: p.timeout_ms ?? null,
      priority: p.priority,
      daily_token_budget: p.daily_token_budget ?? null,
      source: p.source,
      models: p.models ?? null,
      ...this.scoreboard.snapshot(p),
    };
  }
}
