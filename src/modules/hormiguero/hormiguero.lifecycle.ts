import { Injectable, OnModuleInit } from '@nestjs/common';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { HormigueroScanService } from './hormiguero-scan.service';
import { HormigueroQueen } from './queen';

/**
 * Hormiguero's lifecycle: activate starts the pressure ant's lag sampler and the queen (each ant
 * a repeatable job, plus the local timer); deactivate stops every ant, bounded.
 */
@Injectable()
export class HormigueroLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'hormiguero';
  private activatedAt = 0;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queen: HormigueroQueen,
    private readonly scanner: HormigueroScanService,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
  }

  get schedulerRunning(): boolean {
    return this.queen.isRunning;
  }

  async activate(): Promise<void> {
    if (this.queen.isRunning) return;
    this.activatedAt = Date.now();
    this.scanner.pressure.start();
    this.queen.start();
  }

  async deactivate(): Promise<void> {
    await this.queen.stop();
    this.scanner.pressure.stop();
  }

  /** Healthy while the queen runs and every scheduled ant went out within two intervals. */
  async health(): Promise<HealthReport> {
    if (!this.queen.isRunning) return { ok: false, detail: 'queen not running' };
    const now = Date.now();
    const stalled: string[] = [];
    const failing: string[] = [];
    for (const s of this.queen.schedule()) {
      const last = this.scanner.lastRun(s.ant);
      // a run recorded before this activation (read back after a restart) does not count
      const lastAt = Math.max(last ? Date.parse(last.started_at) : 0, this.activatedAt);
      // a slow scan (fs_drift hashing a large tree) gets one more interval plus its own time
      if (now - lastAt > 2 * s.interval_ms + 5000) stalled.push(s.ant);
      if (last && !last.ok && Date.parse(last.started_at) >= this.activatedAt)
        failing.push(`${s.ant}: ${last.error}`);
    }
    if (stalled.length > 0) {
      return {
        ok: false,
        detail: `ants stalled (no scan within two intervals): ${stalled.join(', ')}`,
      };
    }
    if (failing.length > 0) {
      return { ok: false, detail: `ants failing: ${failing.join('; ')}` };
    }
    const schedule = this.queen.schedule();
    return {
      ok: true,
      detail: `queen running, ${schedule.length} ants scheduled`,
      data: { ants: schedule.map((s) => s.ant), queued: schedule.filter((s) => s.queued).length },
    };
  }
}
