import {
  denseBuckets,
  MAX_BUCKETS,
  nearestRank,
  planBuckets,
  UPTIME_RANGE_NAMES,
  UPTIME_RANGES,
  uptimePct,
} from './health-uptime.math';

const NOW = Date.parse('2026-03-10T12:34:56.789Z');

describe('planBuckets', () => {
  it('covers exactly the range ending now, from a bucket boundary', () => {
    const plan = planBuckets('24h', NOW);
    expect(plan.to).toBe('2026-03-10T12:34:56.789Z');
    expect(plan.from).toBe('2026-03-09T12:34:56.789Z');
    expect(plan.bucketSec).toBe(900);
    // 12:34:56 rounds down to 12:30: the first bucket starts there, a day ago
    expect(new Date(plan.firstBucketEpochSec * 1000).toISOString()).toBe(
      '2026-03-09T12:30:00.000Z',
    );
    // 96 whole quarter hours, plus the partial first and the current (partial) one: 97
    expect(plan.count).toBe(97);
  });

  it('keeps every range bounded, and a bucket keeps its start while time passes', () => {
    for (const range of UPTIME_RANGE_NAMES) {
      for (let offset = 0; offset < 3; offset += 1) {
        const now = NOW + offset * UPTIME_RANGES[range].bucketSec * 333;
        const plan = planBuckets(range, now);
        expect(plan.count).toBeLessThanOrEqual(MAX_BUCKETS);
        expect(plan.count).toBeGreaterThanOrEqual(
          UPTIME_RANGES[range].seconds / UPTIME_RANGES[range].bucketSec,
        );
        expect(plan.firstBucketEpochSec % plan.bucketSec).toBe(0);
        // the last bucket holds now
        const lastStart = plan.firstBucketEpochSec + (plan.count - 1) * plan.bucketSec;
        expect(lastStart * 1000).toBeLessThanOrEqual(now);
        expect((lastStart + plan.bucketSec) * 1000).toBeGreaterThan(now);
      }
    }
    const a = planBuckets('7d', NOW);
    const b = planBuckets('7d', NOW + 60_000); // a minute later, inside the same 2-h bucket
    expect(b.firstBucketEpochSec).toBe(a.firstBucketEpochSec);
  });
});

describe('denseBuckets', () => {
  it('fills buckets without checks with zeros, in time order, and keeps the counts', () => {
    const plan = planBuckets('24h', NOW);
    const buckets = denseBuckets(plan, [
      { bucket: 96, ok: 14, fail: 1, avg_latency_ms: 3.14159 },
      { bucket: 0, ok: 2, fail: 0, avg_latency_ms: 10 },
      { bucket: 5, ok: 0, fail: 3, avg_latency_ms: null },
    ]);
    expect(buckets).toHaveLength(97);
    expect(buckets[0]).toEqual({
      t: '2026-03-09T12:30:00.000Z',
      ok: 2,
      fail: 0,
      avg_latency_ms: 10,
    });
    expect(buckets[1]).toEqual({
      t: '2026-03-09T12:45:00.000Z',
      ok: 0,
      fail: 0,
      avg_latency_ms: null,
    });
    expect(buckets[5]).toMatchObject({ ok: 0, fail: 3, avg_latency_ms: null });
    expect(buckets[96]).toEqual({
      t: '2026-03-10T12:30:00.000Z',
      ok: 14,
      fail: 1,
      avg_latency_ms: 3.14,
    });
  });

  it('reads counts SQLite hands back as strings', () => {
    const plan = planBuckets('30d', NOW);
    const [first] = denseBuckets(plan, [
      {
        bucket: '0' as unknown as number,
        ok: '7' as unknown as number,
        fail: 1,
        avg_latency_ms: 2,
      },
    ]);
    expect(first).toMatchObject({ ok: 7, fail: 1, avg_latency_ms: 2 });
  });
});

describe('uptimePct', () => {
  it('is null without checks', () => {
    expect(uptimePct(0, 0)).toBeNull();
  });

  it('is the share of successful checks, rounded down to two decimals', () => {
    expect(uptimePct(10, 10)).toBe(100);
    expect(uptimePct(0, 4)).toBe(0);
    expect(uptimePct(3, 4)).toBe(75);
    expect(uptimePct(2, 3)).toBe(66.66);
    // one failure among 50 000 checks is not shown as 100 %
    expect(uptimePct(49_999, 50_000)).toBe(99.99);
  });
});

describe('nearestRank', () => {
  it('is the rank ⌈p·n/100⌉, as the SQL writes it with integer division', () => {
    expect(nearestRank(50, 1)).toBe(1);
    expect(nearestRank(95, 1)).toBe(1);
    expect(nearestRank(50, 4)).toBe(2);
    expect(nearestRank(95, 20)).toBe(19);
    expect(nearestRank(95, 21)).toBe(20);
    for (let n = 1; n <= 500; n += 1) {
      for (const p of [50, 95]) expect(nearestRank(p, n)).toBe(Math.floor((n * p + 99) / 100));
    }
  });
});
