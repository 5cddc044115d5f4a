import { eventLoopDelayMonitor } from '../../core/metrics/event-loop-delay';

/** What the sampler needs of node's event-loop delay histogram (nanoseconds). */
export interface DelayHistogram {
  readonly count: number;
  readonly max: number;
  percentile(p: number): number;
  reset(): void;
  enable(): boolean;
  disable(): boolean;
}

interface Sample {
  at: number;
  p99Ms: number;
}

/** One figure per tick: short enough that a stall shows as that tick's p99. */
export const LAG_TICK_MS = 1000;

const round2 = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Event-loop delay sampled on its own timer: each tick keeps the p99 of the delays measured
 * since the previous tick, for `windowMs` (the health interval). Readers get the worst p99 of
 * the window and change nothing, so however often something reads, a stall stays visible to
 * the health monitor's next cycle.
 */
export class EventLoopLagSampler {
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;

  constructor(
    private readonly windowMs: number,
    private readonly histogram: DelayHistogram = eventLoopDelayMonitor(),
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.histogram.reset();
    this.histogram.enable();
    this.lastTickAt = Date.now();
    this.timer = setInterval(() => this.tick(), LAG_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram.disable();
    this.samples = [];
  }

  /** The worst per-tick p99 delay (ms) of the window, the tick in progress included. */
  worstP99Ms(): number {
    const cutoff = Date.now() - this.windowMs;
    let worst = this.currentP99Ms();
    for (const s of this.samples) if (s.at >= cutoff && s.p99Ms > worst) worst = s.p99Ms;
    return round2(worst);
  }

  private tick(): void {
    const now = Date.now();
    // A stall also makes this tick late, which the histogram may not say: when the tick runs
    // first after a stall, before the delay timer, the reset() below drops the delay that
    // timer had not recorded yet (node's histogram forgets its last timestamp on reset).
    const lateMs = Math.max(0, now - this.lastTickAt - LAG_TICK_MS);
    this.lastTickAt = now;
    if (this.histogram.count > 0 || lateMs > 0) {
      this.samples.push({ at: now, p99Ms: Math.max(this.currentP99Ms(), lateMs) });
    }
    this.histogram.reset(); // the only reset: this tick's figure is kept above
    const cutoff = now - this.windowMs;
    while (this.samples.length > 0 && this.samples[0].at < cutoff) this.samples.shift();
  }

  /**
   * The tick's p99; but a single delay longer than a tick held the loop for most of it, and a
   * p99 would drop it as one sample among the ~50 taken in the rest of the tick.
   */
  private currentP99Ms(): number {
    if (this.histogram.count === 0) return 0;
    const maxMs = this.histogram.max / 1e6;
    return maxMs >= LAG_TICK_MS ? maxMs : this.histogram.percentile(99) / 1e6;
  }
}
