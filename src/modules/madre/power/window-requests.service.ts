import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../core/config/app-config';
import { ApiError } from '../../../core/errors/api-error';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import {
  ChatWindowOpenDto,
  CloseWindowDto,
  OpenWindowDto,
  TargetWindowCloseDto,
  TargetWindowOpenDto,
} from './dto/open-window.dto';
import { WindowService } from './window.service';
import { MadreErrors } from '../madre-errors';

/** Chat windows wake the chat tier for this long unless the operator says otherwise. */
export const CHAT_WINDOW_DEFAULT_TTL_SEC = 600;

/**
 * The doors to madre's one window system — madre's own routes, the gateway's target-based
 * `/vx11/window/*` and the operator's chat window — each mapped onto WindowService here, so the
 * controllers in tentaculo-link, operator and madre only validate and call.
 */
@Injectable()
export class WindowRequests {
  constructor(
    private readonly windows: WindowService,
    private readonly registry: ModuleRegistry,
    private readonly config: AppConfig,
  ) {}

  services() {
    const allowlist = this.windows.allowlist;
    return {
      allowlist,
      max_ttl_sec: this.config.window.maxTtlSec,
      modules: allowlist.map((name) => ({ name, state: this.registry.state(name) })),
    };
  }

  open(body: OpenWindowDto) {
    return this.windows.open({
      services: body.services ?? (body.service !== undefined ? [body.service] : []),
      mode: body.mode ?? 'ttl',
      ttlSec: body.ttl_sec,
      reason: body.reason ?? 'operator request',
    });
  }

  close(body: CloseWindowDto | undefined) {
    return this.windows.close(body?.window_id, 'manual_close');
  }

  openTarget(body: TargetWindowOpenDto) {
    return this.windows.open({
      services: [body.target],
      mode: body.mode ?? 'ttl',
      ttlSec: body.ttl_seconds,
      reason: body.reason ?? 'gateway request',
    });
  }

  closeTarget(body: TargetWindowCloseDto) {
    const open = this.windows.current();
    if (body.target !== undefined && open && !open.services.includes(body.target)) {
      throw new ApiError(
        MadreErrors.target_not_in_window,
        `${body.target} is not in the open window ${open.id}`,
      );
    }
    return this.windows.close(undefined, 'manual_close', body.reason ?? null);
  }

  openChat(body: ChatWindowOpenDto) {
    return this.windows.open({
      services: ['switch'],
      mode: 'ttl',
      ttlSec: body.ttl_sec ?? CHAT_WINDOW_DEFAULT_TTL_SEC,
      reason: body.reason ?? 'operator chat',
    });
  }

  closeChat() {
    return this.windows.close(undefined, 'manual_close', 'operator chat');
  }

  /** A module's state and whether the open window holds it. */
  statusOf(target: string) {
    if (!this.registry.has(target)) {
      throw new ApiError(MadreErrors.unknown_module, `No module named ${target}`);
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
