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
import { EngineDiscovery } from './engine-discovery.service';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import {
  DiscoveryDto,
  EngineDeletedDto,
  EngineDto,
  EngineListDto,
} from './dto/engine-responses.dto';

/** The engine registry: providers from config plus engines registered at runtime. */
@ApiTags('hermes')
@ApiModuleErrors('hermes')
@OwnedBy('hermes')
@Controller('hermes')
export class HermesController {
  constructor(private readonly engines: EngineDiscovery) {}

  @ApiOperation({
    operationId: 'listEngines',
    summary: 'Engines from config and registered at runtime',
  })
  @ApiOkResponse({ type: EngineListDto })
  @Get('engines')
  list() {
    return this.engines.list();
  }

  @ApiOperation({ operationId: 'registerEngine', summary: 'Register an OpenAI-compatible engine' })
  @ApiCreatedResponse({ type: EngineDto })
  @ApiErrors(
    [409, 'The name is taken (engine_exists)'],
    [422, 'api_key_env names a variable engines may not use (api_key_env_not_allowed)'],
  )
  @Post('engines')
  @HttpCode(201)
  register(@Body() body: RegisterEngineDto) {
    return this.engines.register({
      name: body.name,
      tier: body.tier,
      base_url: body.base_url,
      model: body.model,
      api_key_env: body.api_key_env ?? null,
      timeout_ms: body.timeout_ms ?? null,
      priority: body.priority ?? 0,
      daily_token_budget: body.daily_token_budget ?? null,
      cost_per_1k_tokens: body.cost_per_1k_tokens ?? null,
      max_concurrency: body.max_concurrency ?? null,
    });
  }

  @ApiOperation({ operationId: 'removeEngine', summary: 'Remove an engine registered at runtime' })
  @ApiParam({ name: 'name', description: 'The engine’s name', example: 'local-llama' })
  @ApiOkResponse({ type: EngineDeletedDto })
  @ApiErrors(
    [404, 'No such engine (engine_not_found)'],
    [409, 'It comes from config (engine_from_config)'],
  )
  @Delete('engines/:name')
  remove(@Param('name') name: string) {
    return this.engines.remove(name);
  }

  /** Asks every engine for its models (`GET {base_url}/models`), in parallel. */
  @ApiOperation({
    operationId: 'discoverEngineModels',
    summary: 'Ask every engine for its models (GET {base_url}/models), in parallel',
  })
  @ApiOkResponse({ type: DiscoveryDto })
  @Post('discover')
  @HttpCode(200)
  discover() {
    return this.engines.discover();
  }
}
