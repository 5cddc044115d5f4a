export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before letting one through (half-open). */
  cooldownMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = { failureThreshold: 3, cooldownMs: 30_000 };

export interface BreakerSnapshot {
  state: BreakerState;
  failure_count: number;
  last_failure_at: string | null;
  opened_at: string | null;
}

/** A per-dependency circuit breaker: closed → open after N failures → half_open after cooldown. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private lastFailureAt: number | null = null;
  /** When the current half-open trial was granted; only one call probes at a time. */
  private trialSince: number | null = null;

  constructor(
    readonly name: string,
    private readonly options: BreakerOptions = DEFAULT_BREAKER_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.options.cooldownMs ? 'half_open' : 'open';
  }

  /** Whether a call may go through now (closed, or a half-open trial). */
  canRequest(): boolean {
    return this.state !== 'open';
  }

  /**
   * Claims the right to call: always when closed; when half-open only one caller gets the
   * trial (a trial that never reports back is given up after another cooldown).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const now = this.now();
    if (this.trialSince !== null && now - this.trialSince < this.options.cooldownMs) return false;
    this.trialSince = now;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialSince = null;
  }

  recordFailure(): void {
    this.trialSince = null;
    this.failures += 1;
    this.lastFailureAt = this.now();
    // A failed half-open trial re-opens for a full cooldown.
    if (this.failures >= this.options.failureThreshold || this.openedAt !== null) {
      this.openedAt = this.now();
    }
  }

  snapshot(): BreakerSnapshot {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      state: this.state,
      failure_count: this.failures,
      last_failure_at: iso(this.lastFailureAt),
      opened_at: iso(this.openedAt),
    };
  }
}
