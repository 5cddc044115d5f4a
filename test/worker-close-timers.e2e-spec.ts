import { ClosableWorker } from '../src/core/queue/closable-worker';
import { redisOptionsFromUrl } from '../src/core/queue/redis-options';
import { waitFor } from './support/test-app';

const STALLED_INTERVAL_MS = 60_000;

/**
 * A closed worker must hold no timer: BullMQ's stalled-job loop used to arm one more
 * stalledInterval wait after close() when a check was still in flight, keeping the process
 * (and jest) alive for that long after the last test.
 */
describe('ClosableWorker close', () => {
  afterEach(() => jest.restoreAllMocks());

  it('leaves no stalled-check wait armed when closed during a check', async () => {
    const armed = new Set<unknown>();
    let armedEver = 0;
    const realSetTimeout = global.setTimeout;
    const realClearTimeout = global.clearTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const handle = realSetTimeout(() => {
        armed.delete(handle);
        fn();
      }, ms);
      if (ms === STALLED_INTERVAL_MS) {
        armed.add(handle);
        armedEver += 1;
      }
      return handle;
    }) as typeof setTimeout);
    jest.spyOn(global, 'clearTimeout').mockImplementation((handle) => {
      armed.delete(handle);
      realClearTimeout(handle);
    });

    const worker = new ClosableWorker(`close-timers-${process.pid}`, async () => undefined, {
      connection: redisOptionsFromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
      prefix: `wct${process.pid}x${Date.now().toString(36)}`,
      autorun: false,
      stalledInterval: STALLED_INTERVAL_MS,
    });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    void worker.startStalledCheckTimer(); // its first check is in flight when close() starts
    await worker.close(true);

    // Once its in-flight check fails on the closed connection, the loop arms its next wait...
    await waitFor(() => armedEver > 0, 2000);
    // ...which must not outlive the close.
    expect(armed.size).toBe(0);
  });
});
