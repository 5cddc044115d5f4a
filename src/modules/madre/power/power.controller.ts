import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { OwnedBy } from '../../../core/registry/module-active.guard';
import { CloseWindowDto, OpenWindowDto } from './dto/open-window.dto';
import { PowerService } from './power.service';
import { WindowRequests } from './window-requests.service';
import { ApiErrors, ApiModuleErrors } from '../../../core/http/openapi-errors';
import {
  PolicyAppliedDto,
  PolicyStatusDto,
  PowerServicesDto,
  PowerStateDto,
  PowerStatusDto,
  WindowClosedDto,
  WindowOpenedDto,
} from './dto/power-responses.dto';

@ApiTags('madre')
@ApiModuleErrors('madre')
@OwnedBy('madre')
@Controller('madre/power')
export class PowerController {
  constructor(
    private readonly power: PowerService,
    private readonly windows: WindowRequests,
  ) {}

  @ApiOperation({
    operationId: 'getPowerStatus',
    summary: 'Policy, mode, every module with its state, and the open window',
  })
  @ApiOkResponse({ type: PowerStatusDto })
  @Get('status')
  status() {
    return this.power.status();
  }

  @ApiOperation({
    operationId: 'getPowerState',
    summary: 'The power state in short: policy, window, active modules, recent windows',
  })
  @ApiOkResponse({ type: PowerStateDto })
  @Get('state')
  state() {
    return this.power.stateWithHistory();
  }

  @ApiOperation({
    operationId: 'listWindowServices',
    summary: 'The allowlist of modules a window may wake',
  })
  @ApiOkResponse({ type: PowerServicesDto })
  @Get('services')
  services() {
    return this.windows.services();
  }

  @ApiOperation({
    operationId: 'getPolicyStatus',
    summary: 'Whether a policy is applied and exactly its modules run',
  })
  @ApiParam({
    name: 'name',
    description: 'A policy of config (solo_madre, operative_core, full, ...)',
    example: 'operative_core',
  })
  @ApiOkResponse({ type: PolicyStatusDto })
  @ApiErrors([404, 'No such policy (unknown_policy)'])
  @Get('policy/:name/status')
  policyStatus(@Param('name') name: string) {
    return this.power.policyStatus(name);
  }

  @ApiOperation({
    operationId: 'applyPolicy',
    summary: 'Apply a policy: start and stop optional modules to match (closes an open window)',
  })
  @ApiParam({
    name: 'name',
    description: 'A policy of config (solo_madre, operative_core, full, ...)',
    example: 'operative_core',
  })
  @ApiOkResponse({ type: PolicyAppliedDto })
  @ApiErrors([404, 'No such policy (unknown_policy)'])
  @Post('policy/:name/apply')
  @HttpCode(200)
  applyPolicy(@Param('name') name: string) {
    return this.power.applyPolicy(name);
  }

  @ApiOperation({
    operationId: 'openWindow',
    summary: 'Open a power window: wake allowlisted modules for ttl_sec (or until closed)',
  })
  @ApiOkResponse({ type: WindowOpenedDto })
  @ApiErrors(
    [400, 'Invalid body, no service, or ttl_sec outside 1..max_ttl_sec for mode ttl (invalid_ttl)'],
    [409, 'A window is already open (window_already_open, with its window_id, services, deadline)'],
    [422, 'A module not in the allowlist (service_not_allowed, with allowlist and refused)'],
  )
  @Post('window/open')
  @HttpCode(200)
  openWindow(@Body() body: OpenWindowDto) {
    return this.windows.open(body);
  }

  @ApiOperation({
    operationId: 'closeWindow',
    summary: 'Close the open window (or the one named); its modules go back to the policy',
  })
  @ApiOkResponse({ type: WindowClosedDto })
  @ApiErrors([404, 'No window open (no_open_window), or the one named is unknown or closed'])
  @Post('window/close')
  @HttpCode(200)
  closeWindow(@Body() body: CloseWindowDto = {}) {
    return this.windows.close(body);
  }
}
