import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { FileDriftService } from '../hormiguero/file-drift.service';
import { HormigueroScanService } from '../hormiguero/hormiguero-scan.service';
import { HormigueroLifecycle } from '../hormiguero/hormiguero.lifecycle';
import type { FileDrift } from './drift';

/** Hormiguero's self-test result, as its scan service reports it. */
export type HormigueroSelfTest = Awaited<ReturnType<HormigueroScanService['selfTest']>>;

/**
 * What manifestator uses of hormiguero, looked up at request time (no module import, so
 * either can be dormant or missing): its fs_drift result and its incident self-test.
 */
@Injectable()
export class HormigueroBridge {
  private readonly logger = new Logger('Manifestator');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly registry: ModuleRegistry,
  ) {}

  get state(): string {
    return this.registry.has('hormiguero') ? this.registry.state('hormiguero') : 'missing';
  }

  private find<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }

  /**
   * The latest fs_drift result; while hormiguero is active and has none yet, a check now
   * (the first one records the baseline). Dormant with none: unavailable, saying so.
   */
  async fileDrift(): Promise<FileDrift> {
    const service = this.find(FileDriftService);
    if (!service) return { available: false, reason: 'hormiguero offers no file-drift service' };
    let drift = service.lastDrift();
    if (!drift) {
      if (this.state !== 'active') {
        return {
          available: false,
          reason: `hormiguero is ${this.state} and has no fs_drift result yet`,
        };
      }
      try {
        drift = await service.check();
      } catch (err) {
        this.logger.warn(`fs_drift check failed: ${(err as Error).message}`);
        return { available: false, reason: `fs_drift check failed: ${(err as Error).message}` };
      }
    }
    return {
      available: true,
      baseline_at: drift.baseline_recorded_at,
      tracked: drift.tracked_files,
      added: drift.added.map((f) => f.path).sort(),
      removed: drift.removed.map((f) => f.path).sort(),
      changed: drift.changed.map((f) => f.path).sort(),
    };
  }

  /** Runs hormiguero's finding → incident → resolve self-test; undefined when unavailable. */
  async selfTest(): Promise<HormigueroSelfTest | undefined> {
    const scan = this.find(HormigueroScanService);
    return scan ? scan.selfTest() : undefined;
  }

  /** Whether hormiguero's ant scheduler runs (undefined when it cannot be told). */
  schedulerRunning(): boolean | undefined {
    const colony = this.find(HormigueroLifecycle) as { schedulerRunning?: unknown } | undefined;
    return typeof colony?.schedulerRunning === 'boolean' ? colony.schedulerRunning : undefined;
  }
}
