/** Past this many addresses, idle (full) buckets are dropped, then the oldest. */
const MAX_BUCKETS = 10_000;

export interface IngestLimits {
  /** Events per second one client address may post, sustained. */
  ratePerSec: number;
  /** Events one address may post at once before the sustained rate applies. */
  burst: number;
  /** Events accepted but not yet committed, over every client; more are refused. */
  maxPending: number;
}

export type IngestVerdict =
  { allowed: true } | { allowed: false; scope: 'client' | 'backlog'; retryAfterSec: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Ingest limits: a token bucket per client address, so one client cannot flood the ledger,
 * and a bound on events waiting for their commit, so many cannot pile up memory. In memory:
 * they protect this process, and a restart forgets nothing worth keeping.
 */
export class IngestLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private pending = 0;

  constructor(
    private readonly limits: IngestLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one event's token for `address`; refused attempts take none. */
  admit(address: string): IngestVerdict {
    if (this.pending >= this.limits.maxPending) {
      return { allowed: false, scope: 'backlog', retryAfterSec: 1 };
    }
    const bucket = this.bucketOf(address);
    if (bucket.tokens < 1) {
      const seconds = (1 - bucket.tokens) / this.limits.ratePerSec;
      return { allowed: false, scope: 'client', retryAfterSec: Math.max(1, Math.ceil(seconds)) };
    }
    bucket.tokens -= 1;
    return { allowed: true };
  }

  /** Counts an admitted event until its commit settles (call the returned function then). */
  track(): () => void {
    this.pending += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.pending -= 1;
    };
  }

  get pendingCount(): number {
    return this.pending;
  }

  private bucketOf(address: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(address);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.evict(now);
      bucket = { tokens: this.limits.burst, at: now };
      this.buckets.set(address, bucket);
      return bucket;
    }
    const refill = ((now - bucket.at) / 1000) * this.limits.ratePerSec;
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + refill);
    bucket.at = now;
    return bucket;
  }

  /** A full bucket holds nothing a new one would not: drop those, then the oldest. */
  private evict(now: number): void {
    for (const [address, b] of this.buckets) {
      const refilled = b.tokens + ((now - b.at) / 1000) * this.limits.ratePerSec;
      if (refilled >= this.limits.burst) this.buckets.delete(address);
    }
    for (const address of this.buckets.keys()) {
      if (this.buckets.size < MAX_BUCKETS) break;
      this.buckets.delete(address);
    }
  }
}
