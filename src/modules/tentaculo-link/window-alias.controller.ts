import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../core/http/openapi-errors';
import { TargetWindowCloseDto, TargetWindowOpenDto } from '../madre/power/dto/open-window.dto';
import {
  WindowClosedDto,
  WindowOpenedDto,
  WindowTargetStatusDto,
} from '../madre/power/dto/power-responses.dto';
import { WindowRequests } from '../madre/power/window-requests.service';

/** The gateway's target-based door to madre's one window system (`/vx11/window/*`). */
@ApiTags('tentaculo_link')
@Controller()
export class WindowAliasController {
  constructor(private readonly windows: WindowRequests) {}

  @ApiOperation({
    operationId: 'openTargetWindow',
    summary: 'Open a window for one module (alias of POST /madre/power/window/open)',
  })
  @ApiOkResponse({ type: WindowOpenedDto })
  @ApiErrors(
    [400, 'Invalid body, or ttl_seconds outside 1..max_ttl_sec for mode ttl (invalid_ttl)'],
    [409, 'A window is already open (window_already_open)'],
    [422, 'The target is not in the allowlist (service_not_allowed)'],
  )
  @Post('vx11/window/open')
  @HttpCode(200)
  openTarget(@Body() body: TargetWindowOpenDto) {
    return this.windows.openTarget(body);
  }
  @ApiOperation({
    operationId: 'closeTargetWindow',
    summary: 'Close the open window (alias of POST /madre/power/window/close)',
  })
  @ApiOkResponse({ type: WindowClosedDto })
  @ApiErrors([404, 'No window open (no_open_window), or target not in it (target_not_in_window)'])
  @Post('vx11/window/close')
  @HttpCode(200)
  closeTarget(@Body() body: TargetWindowCloseDto) {
    return this.windows.closeTarget(body);
  }
  @ApiOperation({
    operationId: 'getTargetWindowStatus',
    summary: 'A module’s state and whether the open window holds it',
  })
  @ApiParam({ name: 'target', description: 'A module name', example: 'spawner' })
  @ApiOkResponse({ type: WindowTargetStatusDto })
  @ApiErrors([404, 'No such module (unknown_module)'])
  @Get('vx11/window/status/:target')
  targetStatus(@Param('target') target: string) {
    return this.windows.statusOf(target);
  }
}
