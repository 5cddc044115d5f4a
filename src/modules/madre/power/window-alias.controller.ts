import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../../../core/errors/api-error';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import {
  ChatWindowOpenDto,
  TargetWindowCloseDto,
  TargetWindowOpenDto,
} from './dto/open-window.dto';
import { WindowService } from './window.service';
import { ApiErrors } from '../../../core/http/openapi-errors';
import { WindowClosedDto, WindowOpenedDto, WindowTargetStatusDto } from './dto/power-responses.dto';

/** Chat windows wake the chat tier for this long unless the operator says otherwise. */
export const CHAT_WINDOW_DEFAULT_TTL_SEC = 600;

/**
 * The other doors to madre's one window system: the gateway's `/vx11/window/*` (target-based)
 * and the operator's chat window. Each maps its body onto WindowService.
 */
@Controller()
export class WindowAliasController {
  constructor(
    private readonly windows: WindowService,
    private readonly registry: ModuleRegistry,
  ) {}

  @ApiTags('tentaculo_link')
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
    return this.windows.open({
      services: [body.target],
      mode: body.mode ?? 'ttl',
      ttlSec: body.ttl_seconds,
      reason: body.reason ?? 'gateway request',
    });
  }

  @ApiTags('tentaculo_link')
  @ApiOperation({
    operationId: 'closeTargetWindow',
    summary: 'Close the open window (alias of POST /madre/power/window/close)',
  })
  @ApiOkResponse({ type: WindowClosedDto })
  @ApiErrors([404, 'No window open (no_open_window), or target not in it (target_not_in_window)'])
  @Post('vx11/window/close')
  @HttpCode(200)
  closeTarget(@Body() body: TargetWindowCloseDto) {
    const open = this.windows.current();
    if (body.target !== undefined && open && !open.services.includes(body.target)) {
      throw new ApiError(
        404,
        'target_not_in_window',
        `${body.target} is not in the open window ${open.id}`,
      );
    }
    return this.windows.close(undefined, 'manual_close', body.reason ?? null);
  }

  @ApiTags('tentaculo_link')
  @ApiOperation({
    operationId: 'getTargetWindowStatus',
    summary: 'A module’s state and whether the open window holds it',
  })
  @ApiParam({ name: 'target', description: 'A module name', example: 'spawner' })
  @ApiOkResponse({ type: WindowTargetStatusDto })
  @ApiErrors([404, 'No such module (unknown_module)'])
  @Get('vx11/window/status/:target')
  targetStatus(@Param('target') target: string) {
    return this.statusOf(target);
  }

  @ApiTags('operator')
  @ApiOperation({
    operationId: 'openChatWindow',
    summary: 'Wake switch for chat (a window of ttl_sec, default 600 s)',
  })
  @ApiOkResponse({ type: WindowOpenedDto })
  @ApiErrors(
    [400, 'Invalid body, or ttl_sec over max_ttl_sec (invalid_ttl)'],
    [409, 'A window is already open (window_already_open)'],
    [422, 'switch is not in the allowlist (service_not_allowed)'],
  )
  @Post('operator/api/chat/window/open')
  @HttpCode(200)
  openChat(@Body() body: ChatWindowOpenDto) {
    return this.windows.open({
      services: ['switch'],
      mode: 'ttl',
      ttlSec: body.ttl_sec ?? CHAT_WINDOW_DEFAULT_TTL_SEC,
      reason: body.reason ?? 'operator chat',
    });
  }

  @ApiTags('operator')
  @ApiOperation({ operationId: 'closeChatWindow', summary: 'Close the open window' })
  @ApiOkResponse({ type: WindowClosedDto })
  @ApiErrors([404, 'No window open (no_open_window)'])
  @Post('operator/api/chat/window/close')
  @HttpCode(200)
  closeChat() {
    return this.windows.close(undefined, 'manual_close', 'operator chat');
  }

  @ApiTags('operator')
  @ApiOperation({
    operationId: 'getChatWindowStatus',
    summary: 'Whether switch (the chat tier) is up and in the open window',
  })
  @ApiOkResponse({ type: WindowTargetStatusDto })
  @Get('operator/api/chat/window/status')
  chatStatus() {
    return this.statusOf('switch');
  }

  private statusOf(target: string) {
    if (!this.registry.has(target)) {
      throw new ApiError(404, 'unknown_module', `No module named ${target}`);
    }
    const window = this.windows.view();
    const inWindow = window?.services.includes(target) ?? false;
    return {
      target,
      state: this.registry.state(target),
      in_window: inWindow,
      window_id: inWindow ? window!.window_id : null,
      deadline: inWindow ? window!.deadline : null,
      ttl_remaining_sec: inWindow ? window!.ttl_remaining_sec : null,
      window,
    };
  }
}
