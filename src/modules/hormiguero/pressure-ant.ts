import { loadavg } from 'node:os';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface PressureReading {
  event_loop_lag_p99_ms: number;
  rss_mb: number;
  heap_used_mb: number;
  load_1m: number;
  at: string;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The pressure ant: event-loop lag, memory and load since its previous reading. */
export class PressureAnt {
  /** Made on the first start: one that is never enabled lingers as an open handle. */
  private histogram: IntervalHistogram | undefined;

  start(): void {
    this.histogram ??= monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
  }

  stop(): void {
    this.histogram?.disable();
  }

  read(): PressureReading {
    const lagMs = (this.histogram?.percentile(99) ?? 0) / 1e6;
    this.histogram?.reset();
    const memory = process.memoryUsage();
    return {
      event_loop_lag_p99_ms: Math.round(lagMs * 100) / 100,
      rss_mb: mb(memory.rss),
      heap_used_mb: mb(memory.heapUsed),
      load_1m: loadavg()[0],
      at: new Date().toISOString(),
    };
  }
}
