import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { limitsPrefix, PRLIMIT_PATH } from './run-launcher';
import { SpawnerRecovery } from './spawner-recovery';
import { SpawnerService } from './spawner.service';
import { guarded } from '../../core/util/guarded';

/** How often the reaper checks the runs' deadlines (a backstop for each run's own timers). */
export const REAPER_INTERVAL_MS = 500;

/**
 * Spawner owns the reaper: a timer that enforces every run's TTL and kill escalation. Activation
 * starts it and accepts runs; deactivation (the window closed, the policy dropped spawner, or
 * shutdown) kills every running run, bounded by the grace period.
 */
@Injectable()
export class SpawnerLifecycle
  implements ModuleLifecycle, OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  readonly name = 'spawner';
  private readonly logger = new Logger('Spawner');
  private reaper: NodeJS.Timeout | undefined;
  private lastSweepAt = 0;
  private recovery: Promise<void> | undefined;
  private shuttingDown = false;

  /** Deactivation waits for every run's SIGTERM→SIGKILL grace, so its power-step budget does too. */
  get stepTimeoutMs(): number {
    return this.config.spawner.killGraceMs + 10_000;
  }

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly config: AppConfig,
    private readonly spawner: SpawnerService,
    private readonly recoverer: SpawnerRecovery,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
  }

  /** After every module's init, so the ledger hears about the runs recovery closes. */
  async onApplicationBootstrap(): Promise<void> {
    await this.recovered();
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  get reaperRunning(): boolean {
    return this.reaper !== undefined;
  }

  async activate(): Promise<void> {
    await this.recovered();
    if (this.reaper) return;
    await this.spawner.open();
    const { report } = limitsPrefix(this.config.spawner.limits, this.spawner.prlimit);
    if (!report.applied && report.note && report.note !== 'no limits configured') {
      this.logger.warn(`spawner.limits: ${report.note}`);
    }
    this.lastSweepAt = Date.now();
    this.reaper = setInterval(
      guarded('spawner reaper', () => {
        this.lastSweepAt = Date.now();
        this.spawner.sweep(this.lastSweepAt);
      }),
      REAPER_INTERVAL_MS,
    );
    this.reaper.unref();
  }

  async deactivate(): Promise<void> {
    const killed = await this.spawner.killAll(
      this.shuttingDown ? 'server_shutdown' : 'window_closed',
    );
    if (killed > 0) this.logger.log(`deactivated: killed ${killed} running run(s)`);
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
  }

  /** Healthy while the reaper ticks and no run outlived its deadline by more than the grace. */
  async health(): Promise<HealthReport> {
    const settings = this.config.spawner;
    const limits = limitsPrefix(settings.limits, this.spawner.prlimit).report;
    const data = {
      running: this.spawner.runningCount,
      max_concurrent: settings.maxConcurrent,
      prlimit: this.spawner.prlimit ? PRLIMIT_PATH : null,
      limits,
    };
    if (!this.reaper) return { ok: false, detail: 'reaper not running', data };
    const now = Date.now();
    const quietMs = now - this.lastSweepAt;
    if (quietMs > 4 * REAPER_INTERVAL_MS) {
      return { ok: false, detail: `reaper stalled: last sweep ${quietMs} ms ago`, data };
    }
    // A SIGKILL sent at deadline + grace needs a moment to land: one reaper round of slack.
    const overdue = this.spawner.overdue(now).filter((o) => o.overdue_ms > REAPER_INTERVAL_MS);
    if (overdue.length > 0) {
      const list = overdue.map((o) => `${o.run_id} (+${o.overdue_ms} ms)`).join(', ');
      return {
        ok: false,
        detail: `runs alive past deadline + ${settings.killGraceMs} ms grace: ${list}`,
        data: { ...data, overdue },
      };
    }
    const limitsNote = limits.applied ? 'limits applied by prlimit' : (limits.note ?? '');
    return {
      ok: true,
      detail: `reaper running, ${data.running}/${data.max_concurrent} runs; ${limitsNote}`,
      data,
    };
  }

  private recovered(): Promise<void> {
    this.recovery ??= this.recoverer.recover().then(
      () => undefined,
      (err: unknown) => this.logger.error(`restart recovery failed: ${(err as Error).message}`),
    );
    return this.recovery;
  }
}
