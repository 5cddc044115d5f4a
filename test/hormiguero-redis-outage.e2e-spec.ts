import { HormigueroScanService } from '../src/modules/hormiguero/hormiguero-scan.service';
import { configFileEnv } from './support/config-file';
import { OwnedRedis } from './support/redis-harness';
import { bootApp, TestApp, waitFor } from './support/test-app';

/** Bounded: a hung close must not hide the failure that matters. */
function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const HORMIGUERO_ANTS = ['health', 'db', 'fs_drift', 'pressure', 'logs'] as const;

describe('hormiguero queen while Redis is down (local timer) and after it returns', () => {
  let redis: OwnedRedis;
  let t: TestApp;
  let cleanup: () => void;
  const INTERVAL_SEC = 0.3;

  const triggers = (scanner: HormigueroScanService) =>
    HORMIGUERO_ANTS.map((ant) => scanner.lastRun(ant)?.trigger);
  const redisStatus = async () =>
    (await t.http().get('/vx11/status').expect(200)).body.redis.status as string;

  beforeAll(async () => {
    redis = await OwnedRedis.start();
    const cfg = configFileEnv({
      hormiguero: {
        scanIntervalSec: INTERVAL_SEC,
        antIntervalsSec: { fs_drift: INTERVAL_SEC, logs: INTERVAL_SEC },
      },
    });
    cleanup = cfg.cleanup;
    t = await bootApp({ ...cfg.env, REDIS_URL: redis.url });
  });

  afterAll(async () => {
    await redis?.restart().catch(() => undefined);
    await within(t?.close() ?? Promise.resolve(), 15000);
    await redis?.kill();
    cleanup?.();
  });

  it('keeps every ant scanning on the local timer, and goes back to the queue after', async () => {
    const scanner = t.get(HormigueroScanService);
    await waitFor(async () => (await redisStatus()) === 'up', 5000);
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'hormiguero', mode: 'hold', reason: 'outage e2e' })
      .expect(200);
    await waitFor(() => triggers(scanner).includes('queue'), 10000);

    await redis.kill();
    await waitFor(async () => (await redisStatus()) === 'down', 5000);
    const before = scanner.scanCount;
    // every ant goes on, run by the local timer
    await waitFor(
      () =>
        triggers(scanner).every((trigger) => trigger === 'local') &&
        scanner.scanCount > before + 10,
      10000,
    );

    await redis.restart(); // an empty Redis: the queen must schedule its ants again
    await waitFor(async () => (await redisStatus()) === 'up', 10000);
    await waitFor(
      () => HORMIGUERO_ANTS.every((ant) => scanner.lastRun(ant)?.trigger === 'queue'),
      15000,
    );

    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
    const stopped = scanner.scanCount;
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_SEC * 1000 + 300));
    expect(scanner.scanCount).toBe(stopped);
  });
});
