import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiError } from '../../core/errors/api-error';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import {
  ChatWindowOpenDto,
  TargetWindowCloseDto,
  TargetWindowOpenDto,
} from './dto/open-window.dto';
import { WindowService } from './window.service';

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

  @ApiTags('gateway')
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

  @ApiTags('gateway')
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

  @ApiTags('gateway')
  @Get('vx11/window/status/:target')
  targetStatus(@Param('target') target: string) {
    return this.statusOf(target);
  }

  @ApiTags('operator')
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
  @Post('operator/api/chat/window/close')
  @HttpCode(200)
  closeChat() {
    return this.windows.close(undefined, 'manual_close', 'operator chat');
  }

  @ApiTags('operator')
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
