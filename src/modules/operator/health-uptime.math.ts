/**
 * The arithmetic of the uptime view, kept free of the database so it can be tested alone:
 * which time buckets a range has, how the SQL's sparse per-bucket counts become a dense series,
 * and the uptime percentage.
 */

/** The ranges the console offers, each with a bucket size that keeps the series short. */
export const UPTIME_RANGES = {
  '24h': { seconds: 24 * 3600, bucketSec: 15 * 60 },
  '7d': { seconds: 7 * 24 * 3600, bucketSec: 2 * 3600 },
  '30d': { seconds: 30 * 24 * 3600, bucketSec: 8 * 3600 },
} as const;

export type UptimeRange = keyof typeof UPTIME_RANGES;
export const UPTIME_RANGE_NAMES = Object.keys(UPTIME_RANGES) as UptimeRange[];
export const DEFAULT_UPTIME_RANGE: UptimeRange = '24h';

/** No range yields more buckets than this (its first and last bucket may be partial). */
export const MAX_BUCKETS = 120;

export interface BucketPlan {
  range: UptimeRange;
  /** Checks at or after `from` and at or before `to` count (ISO, as checked_at is stored). */
  from: string;
  to: string;
  bucketSec: number;
  /** Epoch seconds where bucket 0 starts: `from` rounded down to a bucket boundary. */
  firstBucketEpochSec: number;
  count: number;
}

/**
 * The buckets of `range` ending now. Boundaries are aligned to the bucket size (not to `now`),
 * so a bucket keeps its start between polls and the chart does not shift under the operator.
 */
export function planBuckets(range: UptimeRange, nowMs: number): BucketPlan {
  const { seconds, bucketSec } = UPTIME_RANGES[range];
  const fromMs = nowMs - seconds * 1000;
  const first = Math.floor(fromMs / 1000 / bucketSec) * bucketSec;
  const last = Math.floor(nowMs / 1000 / bucketSec) * bucketSec;
  return {
    range,
    from: new Date(fromMs).toISOString(),
    to: new Date(nowMs).toISOString(),
    bucketSec,
    firstBucketEpochSec: first,
    count: (last - first) / bucketSec + 1,
  };
}

/** One bucket's counts as the SQL groups them (only buckets holding checks come back). */
export interface BucketRow {
  bucket: number;
  ok: number;
  fail: number;
  /** Mean latency of the bucket's successful checks; null when none succeeded. */
  avg_latency_ms: number | null;
}

export interface UptimeBucket {
  /** Start of the bucket, ISO. */
  t: string;
  ok: number;
  fail: number;
  avg_latency_ms: number | null;
}

/** Every bucket of the plan, oldest first; a bucket without checks has zero counts. */
export function denseBuckets(plan: BucketPlan, rows: readonly BucketRow[]): UptimeBucket[] {
  const byIndex = new Map(rows.map((r) => [Number(r.bucket), r]));
  return Array.from({ length: plan.count }, (_, i) => {
    const row = byIndex.get(i);
    const latency = row?.avg_latency_ms;
    return {
      t: new Date((plan.firstBucketEpochSec + i * plan.bucketSec) * 1000).toISOString(),
      ok: Number(row?.ok ?? 0),
      fail: Number(row?.fail ?? 0),
      avg_latency_ms:
        latency === null || latency === undefined ? null : Math.round(Number(latency) * 100) / 100,
    };
  });
}

/**
 * Share of successful checks in percent, or null without checks. Rounded down to two decimals,
 * so 100 means no failure at all (one failure in 50 000 checks shows 99.99, not 100).
 */
export function uptimePct(ok: number, total: number): number | null {
  if (total <= 0) return null;
  return Math.floor((ok / total) * 10000) / 100;
}

/** 1-based rank of the p-th percentile among n sorted values (nearest-rank method). */
export function nearestRank(percentile: number, n: number): number {
  return Math.max(1, Math.ceil((percentile / 100) * n));
}
