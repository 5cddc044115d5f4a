import { performance } from 'node:perf_hooks';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp, waitFor } from './support/test-app';

const LAG_MAX_MS = 500;
const STALL_MS = 2000;
const POLL_EVERY_MS = 100;

interface GatewayResult {
  module: string;
  ok: boolean;
  detail: string;
  checked_at: string;
  data: { event_loop_lag_p99_ms: number };
}

interface ModuleView {
  name: string;
  health: { ok: boolean; detail: string; checked_at: string } | null;
}

/** Holds the event loop, as a runaway synchronous task in the process would. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: no timer, no I/O, no request is served meanwhile
  }
}

describe('event-loop lag seen by the health monitor', () => {
  let t: TestApp;
  let cleanup: () => void;

  beforeAll(async () => {
    const cfg = configFileEnv({ health: { eventLoopLagMaxMs: LAG_MAX_MS } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('is not hidden by a console polling /operator/api/modules every 100 ms', async () => {
    let polls = 0;
    let polling: Promise<unknown> | undefined;
    const poller = setInterval(() => {
      polling ??= t
        .http()
        .get('/operator/api/modules')
        .set(t.auth)
        .expect(200)
        .then(() => (polls += 1))
        .finally(() => (polling = undefined));
    }, POLL_EVERY_MS);
    try {
      await waitFor(() => polls >= 2, 5000);
      blockEventLoop(STALL_MS);
      const stallEnded = Date.now();
      const afterStall = polls;
      // Views read in between: in the old code each read restarted the lag measurement.
      await waitFor(() => polls >= afterStall + 3, 5000);

      // A run joins a cycle already under way (the boot cycle, slow on a loaded machine),
      // whose gateway check may predate the stall: run until one checked after it.
      const gateway = (await waitFor(async () => {
        const cycle = await t.http().post('/madre/health/run').set(t.auth).expect(200);
        const result = (cycle.body.results as GatewayResult[]).find(
          (r) => r.module === 'tentaculo_link',
        );
        return result && Date.parse(result.checked_at) >= stallEnded ? result : undefined;
      }, 10_000))!;
      expect(gateway).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          new RegExp(`^event-loop lag p99 \\d+(\\.\\d+)? ms over ${LAG_MAX_MS} ms`),
        ),
      });
      expect(gateway.data.event_loop_lag_p99_ms).toBeGreaterThanOrEqual(STALL_MS / 2);

      // The view shows that cycle's verdict; it runs no check of its own.
      const view = await t.http().get('/operator/api/modules').set(t.auth).expect(200);
      const shown = (view.body.modules as ModuleView[]).find((m) => m.name === 'tentaculo_link');
      expect(shown?.health).toMatchObject({
        ok: false,
        detail: gateway.detail,
        checked_at: gateway.checked_at,
      });
    } finally {
      clearInterval(poller);
      await polling?.catch(() => undefined);
    }
  });
});
