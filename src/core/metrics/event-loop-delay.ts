import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How often every event-loop delay monitor in VX11 samples (prom-client's, the health and
 * pressure lag samplers, the operator's stored figure). Each monitor is a libuv timer that wakes
 * the process at this period even when nothing else happens: at node's default of 10 ms (and 20
 * for ours) an idle VX11 woke ~275 times a second and spent about twice the CPU it does now
 * (bench/README.md, item 24). A stall of at least this long is always seen, understated by at
 * most this much; the lag thresholds VX11 acts on are 500 ms and more.
 */
export const EVENT_LOOP_DELAY_RESOLUTION_MS = 100;

/** A delay histogram (nanoseconds) at VX11's resolution; the caller enables it. */
export function eventLoopDelayMonitor(): IntervalHistogram {
  return monitorEventLoopDelay({ resolution: EVENT_LOOP_DELAY_RESOLUTION_MS });
}
