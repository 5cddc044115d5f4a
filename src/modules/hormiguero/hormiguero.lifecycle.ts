import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { guarded } from '../../core/util/guarded';
import { PressureAnt, PressureReading } from './pressure-ant';

/** Hormiguero owns the queen: a scheduler that sends the ants out every scan interval. */
@Injectable()
export class HormigueroLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'hormiguero';
  private readonly logger = new Logger('Hormiguero');
  private queen: NodeJS.Timeout | undefined;
  private readonly pressureAnt = new PressureAnt();
  private last: PressureReading | undefined;
  private activatedAt = 0;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
  }

  get schedulerRunning(): boolean {
    return this.queen !== undefined;
  }

  get lastReading(): PressureReading | undefined {
    return this.last;
  }

  async activate(): Promise<void> {
    if (this.queen) return;
    this.activatedAt = Date.now();
    this.last = undefined;
    this.pressureAnt.start();
    // A failed scan is logged; health() reports the queen stalled if scans keep failing.
    this.queen = setInterval(
      guarded('pressure scan', () => this.scan(), { logger: this.logger }),
      this.intervalMs,
    );
    this.queen.unref();
  }

  async deactivate(): Promise<void> {
    if (this.queen) clearInterval(this.queen);
    this.queen = undefined;
    this.pressureAnt.stop();
  }

  /** Healthy while the queen's timer exists and the ants went out within two intervals. */
  async health(): Promise<HealthReport> {
    if (!this.queen) return { ok: false, detail: 'scheduler not running' };
    const lastAt = this.last ? Date.parse(this.last.at) : this.activatedAt;
    const quietMs = Date.now() - lastAt;
    if (quietMs > 2 * this.intervalMs) {
      const since = this.last ? `last scan at ${this.last.at}` : 'no scan since activation';
      return {
        ok: false,
        detail: `scheduler stalled: ${since} (${Math.round(quietMs / 1000)} s ago)`,
      };
    }
    return {
      ok: true,
      detail: this.last
        ? `scheduler running, last scan ${this.last.at}`
        : 'scheduler running, first scan pending',
      data: this.last ? { ...this.last } : undefined,
    };
  }

  /** One round of the ants; the full colony (db, fs-drift ants) arrives with its own issue. */
  scan(): PressureReading {
    this.last = this.pressureAnt.read();
    return this.last;
  }

  private get intervalMs(): number {
    return this.config.hormiguero.scanIntervalSec * 1000;
  }
}
