import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { currentCorrelationId } from '../../../core/correlation/correlation';
import { ApiError } from '../../../core/errors/api-error';
import { EventBus } from '../../../core/events/event-bus.service';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { ModulePowerService } from './module-power.service';
import { PolicyStore } from './policy-store';
import { PowerLock } from './power-lock';
import { WindowExpiryScheduler } from './window-expiry.scheduler';
import { PowerWindowEntity, WindowCloseReason, WindowMode } from './window.entity';
import { CoreErrors } from '../../../core/errors/core-errors';
import { MadreErrors } from '../madre-errors';

export interface WindowHistoryItem {
  window_id: string;
  services: string[];
  mode: WindowMode;
  reason: string;
  state: 'open' | 'closed';
  created_at: string;
  deadline: string | null;
  closed_at: string | null;
  close_reason: WindowCloseReason | null;
}

export interface OpenWindowRequest {
  services: string[];
  mode: WindowMode;
  ttlSec?: number;
  reason: string;
}

export interface WindowView {
  window_id: string;
  services: string[];
  mode: WindowMode;
  created_at: string;
  deadline: string | null;
  ttl_remaining_sec: number | null;
  reason: string;
}

const secondsBetween = (from: string, to: number) =>
  Math.max(0, Math.round((to - Date.parse(from)) / 100) / 10);

/**
 * Power windows (CONTRACT §3): one open at a time, only allowlisted modules, a TTL that closes
 * the window by itself. Every open/close runs under madre's power lock.
 */
@Injectable()
export class WindowService {
  private readonly logger = new Logger('Windows');
  private open_: PowerWindowEntity | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly power: ModulePowerService,
    private readonly policy: PolicyStore,
    private readonly lock: PowerLock,
    private readonly expiry: WindowExpiryScheduler,
    private readonly events: EventBus,
    private readonly humanLog: HumanLogService,
    @InjectRepository(PowerWindowEntity) private readonly windows: Repository<PowerWindowEntity>,
  ) {
    expiry.onExpire((windowId) => this.expire(windowId));
  }

  get allowlist(): string[] {
    return this.config.window.allowlist;
  }

  current(): PowerWindowEntity | null {
    return this.open_;
  }

  view(window: PowerWindowEntity | null = this.open_): WindowView | null {
    if (!window) return null;
    return {
      window_id: window.id,
      services: window.services,
      mode: window.mode,
      created_at: window.created_at,
      deadline: window.deadline,
      ttl_remaining_sec: window.deadline
        ? Math.max(0, Math.ceil((Date.parse(window.deadline) - Date.now()) / 1000))
        : null,
      reason: window.reason,
    };
  }

  /** The most recent windows, newest first: what was woken, when, and how each one ended. */
  async recent(limit: number): Promise<WindowHistoryItem[]> {
    const rows = await this.windows.find({ order: { created_at: 'DESC' }, take: limit });
    return rows.map((w) => ({
      window_id: w.id,
      services: w.services,
      mode: w.mode,
      reason: w.reason,
      state: w.state,
      created_at: w.created_at,
      deadline: w.deadline,
      closed_at: w.closed_at,
      close_reason: w.close_reason,
    }));
  }

  /** Checks the request against the window rules, in the contract's order: 400, 422, then 409. */
  validate(request: OpenWindowRequest): void {
    if (request.services.length === 0) {
      throw new ApiError(
        CoreErrors.validation_failed,
        'Give "service" or "services" (one or more module names)',
        [{ field: 'services', errors: ['services should not be empty'] }],
      );
    }
    if (request.mode === 'ttl') {
      const max = this.config.window.maxTtlSec;
      const ttl = request.ttlSec;
      if (ttl === undefined || !Number.isInteger(ttl) || ttl < 1 || ttl > max) {
        throw new ApiError(
          MadreErrors.invalid_ttl,
          `ttl_sec must be an integer from 1 to ${max} for mode "ttl"`,
          [{ field: 'ttl_sec', errors: [`ttl_sec must be an integer from 1 to ${max}`] }],
        );
      }
    }
    const refused = request.services.filter((s) => !this.allowlist.includes(s));
    if (refused.length > 0) {
      throw new ApiError(
        MadreErrors.service_not_allowed,
        `Not in the window allowlist: ${refused.join(', ')}. Allowed: ${this.allowlist.join(', ')}`,
        undefined,
        { allowlist: this.allowlist, refused },
      );
    }
  }

  async open(request: OpenWindowRequest) {
    this.validate(request);
    return this.lock.run(async () => {
      if (this.open_) {
        throw new ApiError(
          MadreErrors.window_already_open,
          `Window ${this.open_.id} is already open; close it first`,
          undefined,
          {
            window_id: this.open_.id,
            services: this.open_.services,
            deadline: this.open_.deadline,
          },
        );
      }
      const services = [...new Set(request.services)];
      const createdAt = new Date();
      const window: PowerWindowEntity = {
        id: randomUUID(),
        services,
        mode: request.mode,
        ttl_sec: request.mode === 'ttl' ? (request.ttlSec ?? null) : null,
        reason: request.reason,
        state: 'open',
        created_at: createdAt.toISOString(),
        deadline:
          request.mode === 'ttl'
            ? new Date(createdAt.getTime() + request.ttlSec! * 1000).toISOString()
            : null,
        services_started: [],
        closed_at: null,
        close_reason: null,
        close_note: null,
        services_stopped: null,
        correlation_id: currentCorrelationId() ?? null,
      };
      await this.windows.insert(window);
      this.open_ = window;
      const alreadyUp = services.filter((s) => this.registry.isActive(s));
      const results = await Promise.all(
        services.map((s) => this.power.activate(s, `window ${window.id}`)),
      );
      window.services_started = services.filter((s, i) => results[i] && !alreadyUp.includes(s));
      await this.windows.update(window.id, { services_started: window.services_started });
      if (window.deadline) this.expiry.schedule(window.id, Date.parse(window.deadline));
      this.announce('window.opened', window, {
        ttl_sec: window.ttl_sec,
        deadline: window.deadline,
        mode: window.mode,
        reason: window.reason,
        services_started: window.services_started,
      });
      this.humanLog.write(
        'architect',
        'WINDOW OPEN',
        `${window.id} services=${services.join(',')} mode=${window.mode} deadline=${window.deadline ?? 'none'} reason=${window.reason}`,
      );
      const failed = services.filter((_, i) => !results[i]);
      return {
        ...this.view(window)!,
        services_started: window.services_started,
        services_failed: failed,
        state: 'open' as const,
      };
    });
  }

  /** Closes the open window (or the one named); 404 when there is none or it is already closed. */
  async close(windowId: string | undefined, reason: WindowCloseReason, note: string | null = null) {
    return this.lock.run(async () => {
      const open = this.open_;
      if (!open || (windowId !== undefined && open.id !== windowId)) {
        if (windowId !== undefined) {
          const known = await this.windows.findOneBy({ id: windowId });
          throw known
            ? new ApiError(
                MadreErrors.window_not_open,
                `Window ${windowId} is already closed (${known.close_reason} at ${known.closed_at})`,
              )
            : new ApiError(MadreErrors.window_not_found, `No window with id ${windowId}`);
        }
        throw new ApiError(MadreErrors.no_open_window, 'No window is open');
      }
      return this.closeLocked(open, reason, note);
    });
  }

  /** Closes a window whose deadline passed; a no-op if it is already closed (idempotent). */
  async expire(windowId: string): Promise<void> {
    await this.lock.run(async () => {
      const open = this.open_;
      if (!open || open.id !== windowId) return;
      if (open.deadline && Date.parse(open.deadline) > Date.now() + 50) {
        // Fired early (e.g. a clock skew on the queue side): re-arm the local timer.
        this.expiry.schedule(open.id, Date.parse(open.deadline));
        return;
      }
      await this.closeLocked(open, 'ttl_expired', null);
    });
  }

  /** Policy changes close the window under the lock the caller already holds. */
  async closeForPolicy(): Promise<string | null> {
    const open = this.open_;
    if (!open) return null;
    await this.closeLocked(open, 'policy_applied', null);
    return open.id;
  }

  /**
   * Boot: closes an expired window (startup_recovery) or restores a live one with its timer.
   * Runs before the policy baseline is applied.
   */
  async recover(): Promise<void> {
    const open = await this.windows.findOneBy({ state: 'open' });
    if (!open) return;
    if (open.deadline && Date.parse(open.deadline) <= Date.now()) {
      this.open_ = open;
      await this.closeLocked(open, 'startup_recovery', null);
      return;
    }
    this.open_ = open;
    await Promise.all(
      open.services.map((s) => this.power.activate(s, `window ${open.id} restored`)),
    );
    if (open.deadline) this.expiry.schedule(open.id, Date.parse(open.deadline));
    this.humanLog.write(
      'architect',
      'WINDOW RESTORED',
      `${open.id} services=${open.services.join(',')} deadline=${open.deadline ?? 'none'}`,
    );
  }

  /** Stops the timers only; the window stays open in the database for the next start. */
  suspend(): void {
    this.expiry.cancelAll();
  }

  private async closeLocked(
    window: PowerWindowEntity,
    reason: WindowCloseReason,
    note: string | null,
  ) {
    const closedAt = new Date();
    this.expiry.cancel(window.id);
    // Modules go back to the policy baseline; on policy_applied the new policy reconciles them.
    const stopped: string[] = [];
    if (reason !== 'policy_applied') {
      const baseline = new Set(this.policy.members());
      const toStop = window.services.filter((s) => !baseline.has(s));
      const results = await Promise.all(
        toStop.map((s) => this.power.deactivate(s, `window ${window.id} ${reason}`)),
      );
      stopped.push(...toStop.filter((_, i) => results[i]));
    }
    const closed = {
      state: 'closed' as const,
      closed_at: closedAt.toISOString(),
      close_reason: reason,
      close_note: note,
      services_stopped: stopped,
    };
    // The window stays visible until its modules are off, so no view shows it gone but them up.
    this.open_ = null;
    await this.windows.update(window.id, closed);
    const durationSec = secondsBetween(window.created_at, closedAt.getTime());
    this.announce('window.closed', window, {
      reason,
      services_stopped: stopped,
      duration_sec: durationSec,
    });
    this.humanLog.write(
      'architect',
      'WINDOW CLOSE',
      `${window.id} reason=${reason} stopped=${stopped.join(',') || 'none'} after ${durationSec}s`,
    );
    this.logger.log(`window ${window.id} closed (${reason})`);
    return {
      window_id: window.id,
      closed_at: closed.closed_at,
      duration_sec: durationSec,
      services_stopped: stopped,
      state: 'closed' as const,
      reason,
    };
  }

  private announce(type: string, window: PowerWindowEntity, extra: Record<string, unknown>): void {
    this.events.emit(type, 'madre', { window_id: window.id, services: window.services, ...extra });
  }
}
