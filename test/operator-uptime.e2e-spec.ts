import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { HealthHistoryEntity } from '../src/modules/madre/health/health-history.entity';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp } from './support/test-app';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const PATH = '/operator/api/health/uptime';

interface Bucket {
  t: string;
  ok: number;
  fail: number;
  avg_latency_ms: number | null;
}
interface ModuleUptime {
  module: string;
  uptime_pct: number | null;
  samples: number;
  failures: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  buckets: Bucket[];
}
interface Uptime {
  range: string;
  from: string;
  to: string;
  bucket_sec: number;
  history_days: number;
  retained_since: string;
  modules: ModuleUptime[];
}

/**
 * hormiguero is dormant in these tests, so the health monitor never checks it: the checks
 * seeded for it are the only ones, and every figure can be worked out by hand.
 */
const SEEDED = 'hormiguero';

/** Long enough to keep the checks 20 and 40 days old (the default keeps 7 days). */
const HISTORY_DAYS = 45;

describe('GET /operator/api/health/uptime', () => {
  let t: TestApp;
  const configFile = configFileEnv({ retentionDays: { health_history: HISTORY_DAYS } });
  const seededAt = Date.now();
  /** The seeded checks: [age in ms, ok, latency]. */
  const checks: Array<[number, boolean, number]> = [
    // last 24 h: 10 ok with latencies 1..10 ms, 2 failures (latency 900: never in p50/p95)
    ...Array.from({ length: 10 }, (_, i): [number, boolean, number] => [
      (i + 1) * HOUR,
      true,
      i + 1,
    ]),
    [2.5 * HOUR, false, 900],
    [3.5 * HOUR, false, 900],
    // 3 days ago: in 7 d and 30 d only
    [3 * DAY, true, 40],
    [3 * DAY + HOUR, false, 900],
    // 20 days ago: in 30 d only
    [20 * DAY, true, 60],
    // 40 days ago: in no range
    [40 * DAY, false, 900],
  ];

  const uptime = async (range?: string): Promise<Uptime> =>
    (
      await t
        .http()
        .get(range ? `${PATH}?range=${range}` : PATH)
        .set(t.auth)
        .expect(200)
    ).body as Uptime;
  const moduleOf = (body: Uptime, name: string) => body.modules.find((m) => m.module === name)!;

  beforeAll(async () => {
    t = await bootApp(configFile.env);
    const repo = t.get<Repository<HealthHistoryEntity>>(
      getRepositoryToken(HealthHistoryEntity) as never,
    );
    await repo.insert(
      checks.map(([age, ok, latency]) => ({
        module: SEEDED,
        ok,
        latency_ms: latency,
        detail: ok ? 'seeded ok' : 'seeded failure',
        checked_at: new Date(seededAt - age).toISOString(),
      })),
    );
  });
  afterAll(async () => {
    await t.close();
    configFile.cleanup();
  });

  it('needs the token', async () => {
    const res = await t.http().get(`${PATH}?range=24h`).expect(401);
    expect(res.body).toMatchObject({ error: 'auth_required', status_code: 401 });
  });

  it('refuses an unknown range with a 400 in the one error shape', async () => {
    for (const bad of ['1y', '24', '', 'DROP TABLE']) {
      const res = await t
        .http()
        .get(`${PATH}?range=${encodeURIComponent(bad)}`)
        .set(t.auth)
        .expect(400);
      expect(res.body).toEqual({
        error: 'validation_failed',
        message: expect.stringContaining('range'),
        status_code: 400,
        correlation_id: expect.any(String),
        details: [{ field: 'range', errors: ['range must be one of 24h, 7d, 30d'] }],
      });
      expect(res.headers['x-correlation-id']).toBe(res.body.correlation_id);
    }
    await t.http().get(`${PATH}?range=24h&extra=1`).set(t.auth).expect(400);
  });

  it('computes uptime, failures and latency percentiles from the history, per range', async () => {
    const day = moduleOf(await uptime('24h'), SEEDED);
    expect(day).toMatchObject({
      samples: 12,
      failures: 2,
      uptime_pct: 83.33, // 10 of 12, rounded down
      latency_p50_ms: 5, // rank ⌈0.5·10⌉ = 5 of 1..10
      latency_p95_ms: 10, // rank ⌈0.95·10⌉ = 10
    });
    const week = moduleOf(await uptime('7d'), SEEDED);
    expect(week).toMatchObject({
      samples: 14,
      failures: 3,
      uptime_pct: 78.57, // 11 of 14
      latency_p50_ms: 6, // ok latencies 1..10, 40: rank 6
      latency_p95_ms: 40, // rank ⌈0.95·11⌉ = 11
    });
    const month = moduleOf(await uptime('30d'), SEEDED);
    expect(month).toMatchObject({
      samples: 15,
      failures: 3,
      uptime_pct: 80, // 12 of 15; the check 40 days old is outside every range
      latency_p50_ms: 6, // 1..10, 40, 60: rank ⌈0.5·12⌉ = 6
      latency_p95_ms: 60,
    });
  });

  it('puts each check in the bucket that holds its time, with bounded buckets', async () => {
    for (const range of ['24h', '7d', '30d']) {
      const body = await uptime(range);
      expect(body.range).toBe(range);
      expect(body.history_days).toBe(HISTORY_DAYS);
      expect(Date.parse(body.to) - Date.parse(body.retained_since)).toBe(HISTORY_DAYS * DAY);
      expect(body.modules.map((m) => m.module)).toHaveLength(10);
      const seeded = moduleOf(body, SEEDED);
      expect(seeded.buckets.length).toBeLessThanOrEqual(120);
      // the buckets add up to the totals and tile the range, oldest first
      expect(seeded.buckets.reduce((n, b) => n + b.ok + b.fail, 0)).toBe(seeded.samples);
      expect(seeded.buckets.reduce((n, b) => n + b.fail, 0)).toBe(seeded.failures);
      const starts = seeded.buckets.map((b) => Date.parse(b.t));
      for (let i = 1; i < starts.length; i += 1) {
        expect(starts[i] - starts[i - 1]).toBe(body.bucket_sec * 1000);
      }
      expect(starts[0]).toBeLessThanOrEqual(Date.parse(body.from));
      expect(starts[starts.length - 1] + body.bucket_sec * 1000).toBeGreaterThan(
        Date.parse(body.to),
      );
      // every seeded check inside the range sits in its own bucket, with its own latency
      for (const [age, ok, latency] of checks) {
        const at = seededAt - age;
        if (at < Date.parse(body.from)) continue;
        const bucket = seeded.buckets.find(
          (b) => Date.parse(b.t) <= at && at < Date.parse(b.t) + body.bucket_sec * 1000,
        )!;
        expect(bucket).toBeDefined();
        if (ok) expect(bucket.ok).toBeGreaterThan(0);
        else expect(bucket.fail).toBeGreaterThan(0);
        if (range === '24h' && ok) expect(bucket.avg_latency_ms).toBe(latency);
      }
    }
  });

  it('answers null uptime for a module without checks, and counts the monitor’s real checks', async () => {
    const before = moduleOf(await uptime('24h'), 'madre').samples;
    const cycle = await t.http().post('/madre/health/run').set(t.auth).expect(200);
    const madreResult = (cycle.body.results as Array<{ module: string; ok: boolean }>).find(
      (r) => r.module === 'madre',
    );
    expect(madreResult?.ok).toBe(true);

    const body = await uptime(); // 24h by default
    expect(body.range).toBe('24h');
    expect(body.bucket_sec).toBe(900);
    const madre = moduleOf(body, 'madre');
    expect(madre.samples).toBeGreaterThan(before);
    expect(madre.uptime_pct).toBe(100);
    expect(madre.latency_p50_ms).toEqual(expect.any(Number));
    expect(madre.buckets[madre.buckets.length - 1].ok).toBeGreaterThan(0);

    const spawner = moduleOf(body, 'spawner'); // dormant, never checked
    expect(spawner).toMatchObject({
      uptime_pct: null,
      samples: 0,
      failures: 0,
      latency_p50_ms: null,
      latency_p95_ms: null,
    });
    expect(spawner.buckets.every((b) => b.ok === 0 && b.fail === 0)).toBe(true);
    expect(spawner.buckets.every((b) => b.avg_latency_ms === null)).toBe(true);
  });
});
