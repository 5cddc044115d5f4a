import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_LOOP_DELAY_RESOLUTION_MS, eventLoopDelayMonitor } from './event-loop-delay';

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: the monitor's timer cannot fire meanwhile
  }
}

describe('eventLoopDelayMonitor', () => {
  it('sees a stall longer than its resolution, understated by at most the resolution', async () => {
    const monitor = eventLoopDelayMonitor();
    monitor.enable();
    try {
      await sleep(EVENT_LOOP_DELAY_RESOLUTION_MS * 2); // the monitor's timer is running
      const stallMs = EVENT_LOOP_DELAY_RESOLUTION_MS * 3;
      blockEventLoop(stallMs);
      const seenMs = () => monitor.max / 1e6;
      const deadline = Date.now() + 5_000;
      while (seenMs() < stallMs - EVENT_LOOP_DELAY_RESOLUTION_MS && Date.now() < deadline) {
        await sleep(EVENT_LOOP_DELAY_RESOLUTION_MS); // until its late firing is recorded
      }
      expect(seenMs()).toBeGreaterThanOrEqual(stallMs - EVENT_LOOP_DELAY_RESOLUTION_MS);
    } finally {
      monitor.disable();
    }
  });
});
