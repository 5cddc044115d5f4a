import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { advanceClock, freezeClock } from '../../../test/support/frozen-clock';
import { BreakerRegistry } from '../../core/breaker/breaker-registry.service';
import { AppConfig } from '../../core/config/app-config';
import { MetricsService } from '../../core/metrics/metrics.service';
import { Provider } from './provider';
import { ProviderScoreboard } from './provider-scoreboard.service';

const COOLDOWN_MS = 30_000;
const config = { switch: { breakerCooldownMs: COOLDOWN_MS } } as AppConfig;

const provider = (name: string, extra: Partial<Provider> = {}): Provider => ({
  name,
  tier: 'switch',
  base_url: 'http://127.0.0.1:9/v1',
  model: `${name}-model`,
  priority: 0,
  source: 'config',
  ...extra,
});

describe('ProviderScoreboard', () => {
  let db: DataSource;
  let breakers: BreakerRegistry;
  let metrics: Registry;
  let board: ProviderScoreboard;
  const newBoard = (registry = metrics) =>
    new ProviderScoreboard(config, breakers, db, { registry } as MetricsService);

  beforeEach(async () => {
    // The real schema (provider_usage from the migrations) in memory.
    db = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      migrations: MIGRATIONS,
      migrationsRun: true,
    }).initialize();
    breakers = new BreakerRegistry();
    metrics = new Registry();
    board = newBoard();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await db.destroy();
  });

  it('ranks by score, then by configured priority, then by name', async () => {
    const a = provider('a');
    const b = provider('b', { priority: 5 });
    const c = provider('c');
    // Unknown providers share a neutral score (success prior 1/2, speed 1/2, full budget).
    expect(board.score(a)).toBe(0.6);
    expect(board.rank([c, a, b]).map((p) => p.name)).toEqual(['b', 'a', 'c']);

    await board.recordFailure('b');
    await board.recordSuccess('c', 100, 10);
    expect(board.score(b)).toBeLessThan(0.6);
    expect(board.score(c)).toBeGreaterThan(0.6);
    expect(board.rank([a, b, c]).map((p) => p.name)).toEqual(['c', 'a', 'b']);
  });

  it('keeps a latency EWMA (alpha 0.3) and counts failures per provider in the metrics', async () => {
    const p = provider('p');
    await board.recordSuccess('p', 100, 0);
    await board.recordSuccess('p', 200, 0);
    await board.recordFailure('p');
    await board.recordFailure('p');
    expect(board.snapshot(p)).toMatchObject({ successes: 2, failures: 2, latency_ewma_ms: 130 });
    const text = await metrics.getSingleMetricAsString('vx11_provider_failures_total');
    expect(text).toContain('vx11_provider_failures_total{provider="p"} 2');
  });

  it('opens the breaker after 3 failures in a row (score 0), half-opens after the cooldown at half score, closes on a success', async () => {
    freezeClock('2030-05-01T12:00:00.000Z');
    const p = provider('p');
    await board.recordFailure('p');
    await board.recordSuccess('p', 50, 0); // a success in between starts the count again
    await board.recordFailure('p');
    await board.recordFailure('p');
    expect(board.breaker('p').state).toBe('closed');
    await board.recordFailure('p');
    expect(board.breaker('p').state).toBe('open');
    expect(board.breaker('p').tryAcquire()).toBe(false);
    expect(board.score(p)).toBe(0);
    // The same breaker the circuit-breaker status route reads.
    expect(breakers.snapshot().p).toMatchObject({ state: 'open', failure_count: 3 });

    advanceClock(COOLDOWN_MS);
    expect(board.breaker('p').state).toBe('half_open');
    // successes 1, failures 4: 0.5 * 2/7 + 0.3 * 1000/1050 + 0.2, halved while half-open
    expect(board.score(p)).toBe(0.314);
    expect(board.breaker('p').tryAcquire()).toBe(true);
    await board.recordSuccess('p', 50, 0);
    expect(board.breaker('p').state).toBe('closed');
    expect(board.score(p)).toBeGreaterThan(0.6);
  });

  it('spends the daily token budget, scores an exhausted provider 0, and starts again the next UTC day', async () => {
    freezeClock('2030-05-01T23:59:00.000Z');
    const p = provider('p', { daily_token_budget: 100 });
    await board.recordSuccess('p', 100, 60);
    expect(board.headroom(p)).toBe(40);
    expect(board.overBudget(p)).toBe(false);
    await board.recordSuccess('p', 100, 40);
    expect(board.overBudget(p)).toBe(true);
    expect(board.score(p)).toBe(0);
    expect(board.snapshot(p).budget).toEqual({
      daily_tokens: 100,
      used_today: 100,
      remaining: 0,
      over_budget: true,
    });

    advanceClock(60_000);
    expect(board.headroom(p)).toBe(100);
    expect(board.snapshot(p).budget.used_today).toBe(0);

    const unlimited = provider('u');
    await board.recordSuccess('u', 100, 1_000_000);
    expect(board.headroom(unlimited)).toBe(Infinity);
    expect(board.snapshot(unlimited).budget).toMatchObject({ remaining: null, over_budget: false });
  });

  it("stores each day's usage, and a restarted scoreboard resumes today's tokens only", async () => {
    freezeClock('2030-05-02T08:00:00.000Z');
    await db.query(
      "INSERT INTO provider_usage (provider, day, tokens_used, requests, failures) VALUES ('p', '2030-05-01', 999, 9, 0)",
    );
    await board.recordSuccess('p', 100, 30);
    await board.recordSuccess('p', 100, 12);
    await board.recordFailure('p');
    expect(
      await db.query("SELECT * FROM provider_usage WHERE provider = 'p' ORDER BY day"),
    ).toEqual([
      { provider: 'p', day: '2030-05-01', tokens_used: 999, requests: 9, failures: 0 },
      { provider: 'p', day: '2030-05-02', tokens_used: 42, requests: 3, failures: 1 },
    ]);

    const restarted = newBoard(new Registry()); // a new process, with a new metrics registry
    const p = provider('p', { daily_token_budget: 100 });
    await restarted.load([p]);
    expect(restarted.headroom(p)).toBe(58);
    // Success counts and latency are this process's observations; only tokens persist.
    expect(restarted.snapshot(p)).toMatchObject({
      successes: 0,
      failures: 0,
      latency_ewma_ms: null,
    });
  });
});
