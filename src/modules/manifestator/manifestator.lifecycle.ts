import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { guarded } from '../../core/util/guarded';
import { withTimeout } from '../../core/util/with-timeout';
import { ManifestService } from './manifest.service';
import { ScorecardService } from './scorecard.service';

/** How long deactivate() waits for a check in progress. */
const STOP_WAIT_MS = 5000;

/**
 * Manifestator owns one timer: while active it re-measures drift, rails and the scorecard
 * every manifestator.checkIntervalSec, so the metrics (and maintenance's SCORECARD.json) stay
 * current without anyone asking. Deactivation stops the timer and waits (bounded) for a check
 * in progress.
 */
@Injectable()
export class ManifestatorLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'manifestator';
  private readonly logger = new Logger('Manifestator');
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastCheck: { at: string; ok: boolean; detail: string } | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly manifests: ManifestService,
    private readonly scorecard: ScorecardService,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
    this.scorecard.attachChecker(this);
  }

  get checkerRunning(): boolean {
    return this.timer !== undefined;
  }

  async activate(): Promise<void> {
    this.manifests.load(); // a broken manifest fails the activation, naming the problem
    if (this.timer) return;
    this.timer = setInterval(
      guarded('manifestator check', () => this.check(), { logger: this.logger }),
      this.config.manifestator.checkIntervalSec * 1000,
    );
    this.timer.unref();
  }

  async deactivate(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.inFlight) {
      await withTimeout(this.inFlight, STOP_WAIT_MS, 'manifestator check').catch(() => undefined);
    }
  }

  /** One periodic check; overlapping ticks are skipped. */
  check(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.scorecard
      .scorecard()
      .then((card) => {
        this.lastCheck = {
          at: card.generated_at,
          ok: true,
          detail: `global ${card.global_pct ?? 'n/a'}%, rails ${card.rails.status}`,
        };
      })
      .catch((err: unknown) => {
        this.lastCheck = {
          at: new Date().toISOString(),
          ok: false,
          detail: String((err as Error).message),
        };
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** Healthy while active with its timer running and the manifest readable. */
  async health(): Promise<HealthReport> {
    const state = this.registry.state(this.name);
    if (state !== 'active') return { ok: false, detail: `module is ${state}` };
    if (!this.timer) return { ok: false, detail: 'checker timer not running' };
    try {
      this.manifests.load();
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
    return {
      ok: true,
      detail: this.lastCheck
        ? `checker running; last check ${this.lastCheck.at}: ${this.lastCheck.detail}`
        : 'checker running; no periodic check yet',
      data: {
        manifest: this.manifests.path,
        interval_sec: this.config.manifestator.checkIntervalSec,
      },
    };
  }
}
