import { Session } from 'node:inspector';
import { EventLoopUtilization, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

/** How often the process looks whether it has been quiet. */
const CHECK_EVERY_MS = 5_000;
/** Event-loop utilisation over one check interval under which the process counts as quiet. */
const QUIET_ELU = 0.02;
/**
 * Quiet checks in a row before a trim (30 s): a trim is a full GC (~0.1 s the event loop
 * cannot serve) and leaves the next seconds of work dearer — after one, the first 3 s of a
 * `/health` burst cost 40–60 % more CPU per request (bench/README.md, item 33). A lull
 * between two bursts of use is not idleness.
 */
const QUIET_CHECKS_BEFORE_TRIM = 6;
/** Heap pages held beyond what is in use before giving them back is worth a full GC. */
const MIN_SLACK_BYTES = 16 * 1024 * 1024;
/** A trim that has not answered by then is given up (it never should take this long). */
const TRIM_TIMEOUT_MS = 10_000;

/** Bytes of heap pages V8 holds beyond what its objects use, over every space. */
export function heapSlackBytes(): number {
  return getHeapSpaceStatistics().reduce(
    (sum, space) => sum + Math.max(0, space.physical_space_size - space.space_used_size),
    0,
  );
}

/**
 * V8's memory-reducing full GC, the one DevTools' "collect garbage" runs (a low-memory
 * notification): unlike gc(), it also shrinks the young generation, which V8 otherwise keeps
 * at its largest size. Through an in-process inspector session: no port is opened.
 */
export function reduceHeap(): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = new Session();
    session.connect();
    let settled = false;
    const timer = setTimeout(() => done(new Error('heap trim timed out')), TRIM_TIMEOUT_MS);
    timer.unref();
    const done = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // disconnecting inside the session's own callback stalls the event loop: next turn
      setImmediate(() => session.disconnect());
      if (err) reject(err);
      else resolve();
    };
    session.post('HeapProfiler.collectGarbage', (err) => done(err));
  });
}

export interface IdleHeapTrimOptions {
  minSlackBytes?: number;
  /** Quiet checks in a row before a trim (default QUIET_CHECKS_BEFORE_TRIM). */
  quietChecks?: number;
  slack?: () => number;
  trim?: () => Promise<void>;
  /** Told after each trim what it gave back (or why it failed). */
  report?: (outcome: { freedBytes: number; ms: number } | { error: string }) => void;
}

/**
 * Gives the heap pages a burst of work left behind back to the system once the process has
 * been quiet for QUIET_CHECKS_BEFORE_TRIM check intervals in a row (30 s): V8 keeps its young
 * generation at the size the busiest moment needed (~30 MB here) and rarely shrinks it on its
 * own while timers keep running, so an idle VX11 held ~147 MB of RSS after boot and ~110 MB
 * after such a trim (bench/README.md).
 * One trim per quiet spell, and only when enough is held to be worth a full GC (~0.1 s here).
 * The check timer never holds the process open.
 */
export class IdleHeapTrim {
  private timer: NodeJS.Timeout | undefined;
  private last: EventLoopUtilization | undefined;
  /** Work happened since the last trim (boot counts). */
  private armed = true;
  /** Quiet checks since the last busy one. */
  private quietStreak = 0;
  private trimming = false;

  constructor(private readonly options: IdleHeapTrimOptions = {}) {}

  start(): void {
    if (this.timer) return;
    this.last = performance.eventLoopUtilization();
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const now = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(now, this.last).utilization;
    this.last = now;
    await this.check(elu);
  }

  /** One look, given the event-loop utilisation since the last: resolves true if it trimmed. */
  async check(elu: number): Promise<boolean> {
    if (elu >= QUIET_ELU) {
      this.armed = true;
      this.quietStreak = 0;
      return false;
    }
    this.quietStreak += 1;
    if (this.quietStreak < (this.options.quietChecks ?? QUIET_CHECKS_BEFORE_TRIM)) return false;
    if (!this.armed || this.trimming) return false;
    const slack = this.options.slack ?? heapSlackBytes;
    const before = slack();
    if (before < (this.options.minSlackBytes ?? MIN_SLACK_BYTES)) return false;
    this.armed = false;
    this.trimming = true;
    const started = performance.now();
    try {
      await (this.options.trim ?? reduceHeap)();
      this.options.report?.({
        freedBytes: Math.max(0, before - slack()),
        ms: performance.now() - started,
      });
      return true;
    } catch (err) {
      this.options.report?.({ error: (err as Error).message });
      return false;
    } finally {
      this.trimming = false;
    }
  }
}
