import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { ModulePowerService } from '../power/module-power.service';
import { PowerLock } from '../power/power-lock';

export const RESTART_REASON = 'health_restart';

/**
 * Restarts a failing module through madre's power service (deactivate + activate), under the
 * power lock so it never races a window or policy change, and never once shutdown began.
 */
@Injectable()
export class ModuleRestarter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Restarter');
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private closing = false;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly power: ModulePowerService,
    private readonly lock: PowerLock,
    private readonly humanLog: HumanLogService,
  ) {}

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  /** Resolves true when the module is active again; one restart per module at a time. */
  restart(module: string, why: string, attempt: number, nextAllowedAt: number): Promise<boolean> {
    const running = this.inFlight.get(module);
    if (running) return running;
    const next = nextAllowedAt > 0 ? new Date(nextAllowedAt).toISOString() : 'now';
    this.humanLog.write(
      'architect',
      'SERVICE RESTART',
      `${module}: ${why}; restart attempt ${attempt}, next not before ${next}`,
    );
    const work = this.lock
      .run(() => this.restartLocked(module))
      .catch((err: Error) => {
        this.humanLog.write('architect', 'SERVICE RESTART FAILED', `${module}: ${err.message}`);
        return false;
      })
      .finally(() => this.inFlight.delete(module));
    this.inFlight.set(module, work);
    return work;
  }

  private async restartLocked(module: string): Promise<boolean> {
    const state = this.registry.state(module);
    if (this.closing || (state !== 'active' && state !== 'failed')) {
      this.humanLog.write(
        'architect',
        'SERVICE RESTART SKIPPED',
        `${module} is ${this.closing ? 'shutting down' : state}; nothing to restart`,
      );
      return false;
    }
    await this.power.deactivate(module, RESTART_REASON);
    const ok = await this.power.activate(module, RESTART_REASON);
    const entry = this.registry.get(module);
    this.humanLog.write(
      'architect',
      ok ? 'SERVICE RESTART' : 'SERVICE RESTART FAILED',
      ok
        ? `${module} is active again`
        : `${module} is ${entry.state}: ${entry.lastError ?? 'unknown error'}`,
    );
    if (!ok) this.logger.error(`restart of ${module} failed: ${entry.lastError}`);
    return ok;
  }
}
