import { existsSync, statfsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { HormigueroPressureConfig } from '../../../core/config/app-config';
import { EventLoopLagSampler } from '../../tentaculo-link/event-loop-lag';
import { Ant, Finding, round, toMb } from '../finding';

export interface PressureReading {
  event_loop_lag_p99_ms: number;
  rss_mb: number;
  heap_used_mb: number;
  load_1m: number;
  load_per_core: number;
  cpus: number;
  disk_free_mb: number | null;
  at: string;
}

function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Free space an unprivileged process may use on the disk holding `dir`, in bytes. */
export function freeBytes(dir: string): number | null {
  try {
    const { bavail, bsize } = statfsSync(existingAncestor(dir));
    return bavail * bsize;
  } catch {
    return null;
  }
}

/**
 * The pressure ant: event-loop lag p99 (sampled on its own timer while hormiguero is active),
 * RSS and heap, load average per core and free disk under the data dir, against
 * `hormiguero.pressure` thresholds.
 */
export class PressureAnt implements Ant {
  readonly name = 'pressure' as const;
  private readonly lag: EventLoopLagSampler;
  private last: PressureReading | undefined;

  constructor(
    private readonly thresholds: () => HormigueroPressureConfig,
    private readonly dataDir: string,
    windowMs: number,
  ) {
    this.lag = new EventLoopLagSampler(windowMs);
  }

  start(): void {
    this.lag.start();
  }

  stop(): void {
    this.lag.stop();
  }

  get lastReading(): PressureReading | undefined {
    return this.last;
  }

  read(): PressureReading {
    const memory = process.memoryUsage();
    const cpus = Math.max(1, availableParallelism());
    const load = loadavg()[0];
    const free = freeBytes(this.dataDir);
    this.last = {
      event_loop_lag_p99_ms: this.lag.running ? this.lag.worstP99Ms() : 0,
      rss_mb: toMb(memory.rss),
      heap_used_mb: toMb(memory.heapUsed),
      load_1m: round(load, 2),
      load_per_core: round(load / cpus, 2),
      cpus,
      disk_free_mb: free === null ? null : toMb(free),
      at: new Date().toISOString(),
    };
    return this.last;
  }

  async scan(): Promise<Finding[]> {
    const r = this.read();
    const t = this.thresholds();
    const findings: Finding[] = [];
    const over = (kind: string, title: string, value: number, limit: number, unit: string) =>
      findings.push({
        ant: 'pressure',
        kind: `pressure.${kind}`,
        title,
        // twice the threshold or more is no longer a warning
        severity: value >= 2 * limit ? 'high' : 'medium',
        detail: `${title}: ${value} ${unit} (threshold ${limit} ${unit})`,
        evidence: { ...r, value, threshold: limit },
      });
    if (r.event_loop_lag_p99_ms > t.lagP99Ms)
      over('event_loop_lag', 'event-loop lag high', r.event_loop_lag_p99_ms, t.lagP99Ms, 'ms');
    if (r.rss_mb > t.rssMb) over('rss', 'resident memory high', r.rss_mb, t.rssMb, 'MiB');
    if (r.heap_used_mb > t.heapUsedMb)
      over('heap', 'heap in use high', r.heap_used_mb, t.heapUsedMb, 'MiB');
    if (r.load_per_core > t.loadPerCore)
      over('load', 'load per core high', r.load_per_core, t.loadPerCore, '');
    if (r.disk_free_mb !== null && r.disk_free_mb < t.minFreeDiskMb) {
      findings.push({
        ant: 'pressure',
        kind: 'pressure.disk_free',
        title: 'free disk low under the data dir',
        severity: r.disk_free_mb < t.minFreeDiskMb / 2 ? 'high' : 'medium',
        detail: `free disk under the data dir: ${r.disk_free_mb} MiB (threshold ${t.minFreeDiskMb} MiB)`,
        evidence: { ...r, value: r.disk_free_mb, threshold: t.minFreeDiskMb },
      });
    }
    return findings;
  }
}
