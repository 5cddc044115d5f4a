import { DelayHistogram, EventLoopLagSampler, LAG_TICK_MS } from './event-loop-lag';

/** Delays recorded by hand, in ms; percentile() answers the largest (as p99 of few samples). */
class FakeHistogram implements DelayHistogram {
  delaysMs: number[] = [];
  resets = 0;
  /** p99 as a real histogram of many samples would: the largest below a lone outlier. */
  p99Ms: number | undefined;
  get count() {
    return this.delaysMs.length;
  }
  get max() {
    return Math.max(...this.delaysMs) * 1e6;
  }
  percentile(): number {
    return (this.p99Ms ?? Math.max(...this.delaysMs)) * 1e6;
  }
  reset(): void {
    this.resets += 1;
    this.delaysMs = [];
  }
  enable(): boolean {
    return true;
  }
  disable(): boolean {
    return true;
  }
}

describe('EventLoopLagSampler', () => {
  const WINDOW_MS = 10_000;
  let histogram: FakeHistogram;
  let sampler: EventLoopLagSampler;

  beforeEach(() => {
    jest.useFakeTimers();
    histogram = new FakeHistogram();
    sampler = new EventLoopLagSampler(WINDOW_MS, histogram);
    sampler.start();
  });
  afterEach(() => {
    sampler.stop();
    jest.useRealTimers();
  });

  it('keeps a stall visible to every reader for the whole window, however often they read', () => {
    histogram.delaysMs.push(21, 2000.456, 22); // a 2-s stall in this tick
    jest.advanceTimersByTime(LAG_TICK_MS);
    const resetsBefore = histogram.resets;
    for (let read = 0; read < 50; read++) {
      histogram.delaysMs.push(20);
      expect(sampler.worstP99Ms()).toBe(2000.46);
      jest.advanceTimersByTime(100);
    }
    expect(histogram.resets - resetsBefore).toBe(5); // the timer's ticks only, never a read
    jest.advanceTimersByTime(WINDOW_MS - 5 * 100);
    expect(sampler.worstP99Ms()).toBe(20); // the stall aged out; the quiet seconds after it remain
  });

  it('counts a stall longer than a tick even where the p99 of the tick would drop it', () => {
    histogram.delaysMs.push(...Array<number>(60).fill(20), 2000);
    histogram.p99Ms = 20; // one sample in 61: a percentile may not see it
    expect(sampler.worstP99Ms()).toBe(2000);
    histogram.delaysMs = [20, 900];
    histogram.p99Ms = 20; // shorter than a tick: the p99 is the figure
    expect(sampler.worstP99Ms()).toBe(20);
  });

  it('counts a stall the histogram lost: the tick ran first after it, and reset', () => {
    histogram.delaysMs.push(20, 21);
    jest.setSystemTime(Date.now() + 2000); // the loop held for 2 s: no timer ran meanwhile
    jest.advanceTimersByTime(LAG_TICK_MS); // the tick is 2 s late; the delay timer not yet run
    expect(sampler.worstP99Ms()).toBe(2000);
    jest.advanceTimersByTime(LAG_TICK_MS); // on time again: the stall stays for the window
    expect(sampler.worstP99Ms()).toBe(2000);
  });

  it('includes the tick in progress, before the timer has taken it', () => {
    histogram.delaysMs.push(1500);
    expect(sampler.worstP99Ms()).toBe(1500);
    expect(histogram.resets).toBe(1); // start() only
  });

  it('forgets everything when stopped', () => {
    histogram.delaysMs.push(900);
    jest.advanceTimersByTime(LAG_TICK_MS);
    sampler.stop();
    expect(sampler.running).toBe(false);
    sampler.start();
    expect(sampler.worstP99Ms()).toBe(0);
  });
});
