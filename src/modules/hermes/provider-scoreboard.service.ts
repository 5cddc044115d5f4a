import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Statement } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { GroupCommit } from '../../core/database/group-commit';
import { nativeDb } from '../../core/database/native-db';
import { BreakerRegistry } from '../../core/breaker/breaker-registry.service';
import { CircuitBreaker } from '../../core/breaker/circuit-breaker';
import { AppConfig } from '../../core/config/app-config';
import { MetricsService } from '../../core/metrics/metrics.service';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Provider } from './provider';

const EWMA_ALPHA = 0.3;
/** Latency that scores 0.5; faster providers score higher. */
const LATENCY_PIVOT_MS = 1000;

interface Stats {
  successes: number;
  failures: number;
  latencyEwmaMs: number | null;
  day: string;
  tokensToday: number;
}

const utcDay = (at = new Date()) => at.toISOString().slice(0, 10);

/**
 * What VX11 knows about each provider's behaviour: success rate, latency EWMA, today's token
 * use against its daily budget, and its circuit breaker. Produces the score routing sorts by.
 */
@Injectable()
export class ProviderScoreboard {
  private readonly stats = new Map<string, Stats>();
  private upsertUsage: Statement<[string, string, number, number]> | undefined;
  private readonly failuresTotal: Counter<'provider'>;
  private readonly budgetRemaining: Gauge<'provider'>;
  private readonly requestSeconds: Histogram<'provider' | 'outcome'>;

  constructor(
    private readonly config: AppConfig,
    private readonly breakers: BreakerRegistry,
    @InjectDataSource() private readonly db: DataSource,
    metrics: MetricsService,
  ) {
    this.failuresTotal = new Counter({
      name: 'vx11_provider_failures_total',
      help: 'Failed provider calls (errors, timeouts, non-2xx)',
      labelNames: ['provider'],
      registers: [metrics.registry],
    });
    this.budgetRemaining = new Gauge({
      name: 'vx11_provider_budget_remaining_ratio',
      help: 'Share of its daily token budget a provider has left today (providers with a budget)',
      labelNames: ['provider'],
      registers: [metrics.registry],
    });
    this.requestSeconds = new Histogram({
      name: 'vx11_provider_request_duration_seconds',
      help: 'Provider calls by outcome (ok, error): time until the answer, or until the failure',
      labelNames: ['provider', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
  }

  breaker(name: string): CircuitBreaker {
    return this.breakers.register(name, {
      failureThreshold: 3,
      cooldownMs: this.config.switch.breakerCooldownMs,
    });
  }

  async load(providers: Provider[]): Promise<void> {
    const day = utcDay();
    const rows: Array<{ provider: string; tokens_used: number }> = await this.db.query(
      'SELECT provider, tokens_used FROM provider_usage WHERE day = ?',
      [day],
    );
    for (const p of providers) {
      const stats = this.of(p.name);
      stats.tokensToday = rows.find((r) => r.provider === p.name)?.tokens_used ?? 0;
      this.breaker(p.name);
      this.budgetRatio(p);
    }
  }

  /** Tokens left today; Infinity without a budget. */
  headroom(provider: Provider): number {
    const budget = provider.daily_token_budget;
    if (!budget) return Infinity;
    return Math.max(0, budget - this.of(provider.name).tokensToday);
  }

  /** 0..1 of today's budget left (and the gauge set to it); null without a budget. */
  budgetRatio(provider: Provider): number | null {
    const budget = provider.daily_token_budget;
    if (!budget) return null;
    const ratio = this.headroom(provider) / budget;
    this.budgetRemaining.set({ provider: provider.name }, ratio);
    return ratio;
  }

  overBudget(provider: Provider): boolean {
    return this.headroom(provider) <= 0;
  }

  /** 0..1: success rate (with a neutral prior), speed, budget headroom; 0 while the breaker is open. */
  score(provider: Provider): number {
    const breaker = this.breaker(provider.name).state;
    if (breaker === 'open' || this.overBudget(provider)) return 0;
    const s = this.of(provider.name);
    const successRate = (s.successes + 1) / (s.successes + s.failures + 2);
    const speed =
      s.latencyEwmaMs === null ? 0.5 : LATENCY_PIVOT_MS / (LATENCY_PIVOT_MS + s.latencyEwmaMs);
    const budget = provider.daily_token_budget
      ? this.headroom(provider) / provider.daily_token_budget
      : 1;
    const raw = 0.5 * successRate + 0.3 * speed + 0.2 * budget;
    return Math.round((breaker === 'half_open' ? raw / 2 : raw) * 1000) / 1000;
  }

  /** Best first: score, then configured priority, then name for a stable order. */
  rank(providers: Provider[]): Provider[] {
    return [...providers].sort(
      (a, b) =>
        this.score(b) - this.score(a) || b.priority - a.priority || a.name.localeCompare(b.name),
    );
  }

  async recordSuccess(name: string, latencyMs: number, tokens: number): Promise<void> {
    this.requestSeconds.observe({ provider: name, outcome: 'ok' }, latencyMs / 1000);
    const s = this.of(name);
    s.successes += 1;
    s.latencyEwmaMs =
      s.latencyEwmaMs === null
        ? latencyMs
        : EWMA_ALPHA * latencyMs + (1 - EWMA_ALPHA) * s.latencyEwmaMs;
    s.tokensToday += tokens;
    this.breaker(name).recordSuccess();
    await this.persist(name, s.day, tokens, 0);
  }

  /** A failed call; its duration (when known) feeds the latency histogram. */
  async recordFailure(name: string, latencyMs?: number): Promise<void> {
    if (latencyMs !== undefined) {
      this.requestSeconds.observe({ provider: name, outcome: 'error' }, latencyMs / 1000);
    }
    const s = this.of(name);
    s.failures += 1;
    this.failuresTotal.inc({ provider: name });
    this.breaker(name).recordFailure();
    await this.persist(name, s.day, 0, 1);
  }

  snapshot(provider: Provider) {
    const s = this.of(provider.name);
    const headroom = this.headroom(provider);
    return {
      score: this.score(provider),
      breaker: this.breaker(provider.name).snapshot(),
      successes: s.successes,
      failures: s.failures,
      latency_ewma_ms: s.latencyEwmaMs === null ? null : Math.round(s.latencyEwmaMs * 100) / 100,
      budget: {
        daily_tokens: provider.daily_token_budget ?? null,
        used_today: s.tokensToday,
        remaining: Number.isFinite(headroom) ? headroom : null,
        over_budget: this.overBudget(provider),
      },
    };
  }

  /** Stats for today; a new UTC day starts the token count again. */
  private of(name: string): Stats {
    const day = utcDay();
    let s = this.stats.get(name);
    if (!s) {
      s = { successes: 0, failures: 0, latencyEwmaMs: null, day, tokensToday: 0 };
      this.stats.set(name, s);
    } else if (s.day !== day) {
      s.day = day;
      s.tokensToday = 0;
    }
    return s;
  }

  /**
   * Adds one call to today's usage row, in the group commit of the chat's own writes (the
   * answer is stored in the same turn); resolves once committed.
   */
  private persist(name: string, day: string, tokens: number, failures: number): Promise<void> {
    this.upsertUsage ??= nativeDb(this.db).prepare(
      `INSERT INTO provider_usage (provider, day, tokens_used, requests, failures) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT(provider, day) DO UPDATE SET tokens_used = tokens_used + excluded.tokens_used,
         requests = requests + 1, failures = failures + excluded.failures`,
    );
    const upsert = this.upsertUsage;
    return GroupCommit.of(this.db).run(() => upsert.run(name, day, tokens, failures));
  }
}
