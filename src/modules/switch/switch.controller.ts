import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { RecordResultDto, SelectEngineDto } from '../hermes/dto/engine.dto';
import { EngineSelection } from '../hermes/engine-selection.service';
import { SwitchControlDto, TierChatDto } from './dto/switch.dto';
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
import { SwitchService } from './switch.service';

@ApiTags('switch')
@ApiModuleErrors('switch')
@ApiExtraModels(SwitchModeDto, SwitchModeListDto)
@OwnedBy('switch')
@Controller('switch')
export class SwitchController {
  constructor(
    private readonly switchService: SwitchService,
    private readonly selection: EngineSelection,
  ) {}

  @ApiOperation({
    operationId: 'switchChat',
    summary: 'Chat with the switch tier directly: the best provider, then the next on failure',
  })
  @ApiOkResponse({ type: TierChatResultDto })
  @Post('chat')
  @HttpCode(200)
  chat(@Body() body: TierChatDto) {
    return this.switchService.chat(body);
  }

  @ApiOperation({
    operationId: 'listSwitchProviders',
    summary: 'Providers, best first, with score, breaker and budget use',
  })
  @ApiOkResponse({ type: SwitchProvidersDto })
  @Get('providers')
  providers() {
    return this.switchService.providers();
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
    return this.switchService.control(body);
  }

  @ApiOperation({
    operationId: 'getSwitchQueueStatus',
    summary: 'The switch queue: depth and job counts (only redis:"down" without Redis)',
  })
  @ApiOkResponse({ type: SwitchQueueStatusDto })
  @Get('queue/status')
  queueStatus() {
    return this.switchService.queueStatus();
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
    return this.selection.select(body.available_engines);
  }

  @ApiOperation({
    operationId: 'recordEngineResult',
    summary: 'Feed an engine’s success or failure back into its score',
  })
  @ApiOkResponse({ type: EngineResultDto })
  @ApiErrors([404, 'No such engine (engine_not_found)'])
  @Post('hermes/record_result')
  @HttpCode(200)
  recordResult(@Body() body: RecordResultDto) {
    return this.selection.record(body);
  }

  @ApiOperation({ operationId: 'getEngineHealth', summary: 'Every engine: health and score' })
  @ApiOkResponse({ type: EngineHealthListDto })
  @Get('hermes/status')
  hermesStatus() {
    return this.selection.health();
  }
}
