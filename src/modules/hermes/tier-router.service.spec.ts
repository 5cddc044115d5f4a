import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { FakeProvider } from '../../../test/support/fake-provider';
import { BreakerRegistry } from '../../core/breaker/breaker-registry.service';
import { AppConfig } from '../../core/config/app-config';
import { MetricsService } from '../../core/metrics/metrics.service';
import { EngineRegistry } from './engine-registry.service';
import { Provider } from './provider';
import { ProviderScoreboard } from './provider-scoreboard.service';
import { ProviderSlots } from './provider-slots';
import { EventBus } from '../../core/events/event-bus.service';
import { NoProviderAnswered, StreamBroken, TierRouter } from './tier-router.service';

const config = { switch: { breakerCooldownMs: 60_000 } } as AppConfig;
const events = { emit: jest.fn() } as unknown as EventBus;
const ask = [{ role: 'user' as const, content: 'hello' }];
/** A generous per-call timeout and deadline, for the tests that are not about time. */
const roomy = () => ({ timeoutMs: 5000, deadline: Date.now() + 10_000 });

describe('TierRouter', () => {
  // Real OpenAI-compatible servers on loopback, told per test to answer, fail or hang.
  const fakes = { a: new FakeProvider('a'), b: new FakeProvider('b'), m: new FakeProvider('m') };
  let db: DataSource;
  let scoreboard: ProviderScoreboard;
  let providers: Provider[];
  let router: TierRouter;

  const provider = (fake: FakeProvider, extra: Partial<Provider> = {}): Provider => ({
    name: fake.name,
    tier: 'switch',
    base_url: fake.baseUrl,
    model: `${fake.name}-model`,
    priority: 0,
    source: 'config',
    ...extra,
  });

  beforeAll(async () => {
    await Promise.all(Object.values(fakes).map((f) => f.start()));
    db = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      migrations: MIGRATIONS,
      migrationsRun: true,
    }).initialize();
  });
  afterAll(async () => {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await db.destroy();
  });
  beforeEach(() => {
    for (const f of Object.values(fakes)) {
      f.behaviour = { kind: 'answer' };
      f.calls = 0;
    }
    providers = [
      provider(fakes.a, { priority: 2 }),
      provider(fakes.b, { priority: 1 }),
      provider(fakes.m, { tier: 'madre' }),
    ];
    const engines = {
      byTier: (tier: Provider['tier']) => providers.filter((p) => p.tier === tier),
    } as EngineRegistry;
    const metrics = { registry: new Registry() } as MetricsService;
    scoreboard = new ProviderScoreboard(config, new BreakerRegistry(), db, metrics);
    router = new TierRouter(engines, scoreboard, new ProviderSlots(), config, events);
  });

  it('answers from the best-ranked provider of the tier and records its success', async () => {
    const answer = await router.complete('switch', ask, roomy());
    expect(answer).toMatchObject({
      provider: 'a',
      content: 'a says: hello',
      tokens_used: 12,
      attempts: [{ provider: 'a', outcome: 'answered' }],
    });
    expect(fakes.b.calls + fakes.m.calls).toBe(0);
    expect(scoreboard.snapshot(providers[0])).toMatchObject({ successes: 1, failures: 0 });
  });

  it('moves on to the next provider when one fails, and says why in the attempts', async () => {
    fakes.a.behaviour = { kind: 'fail', status: 503 };
    const answer = await router.complete('switch', ask, roomy());
    expect(answer.provider).toBe('b');
    expect(answer.attempts).toEqual([
      { provider: 'a', outcome: 'failed', detail: 'HTTP 503' },
      { provider: 'b', outcome: 'answered' },
    ]);
    expect(scoreboard.snapshot(providers[0]).failures).toBe(1);
  });

  it('tries a hinted provider first when it is eligible', async () => {
    const answer = await router.complete('switch', ask, { ...roomy(), hint: 'b' });
    expect(answer.provider).toBe('b');
    expect(fakes.a.calls).toBe(0);
  });

  it('skips providers over budget or with an open breaker without calling them', async () => {
    providers[0].daily_token_budget = 10;
    await scoreboard.recordSuccess('a', 10, 10);
    for (let i = 0; i < 3; i++) await scoreboard.recordFailure('b');
    await expect(router.complete('switch', ask, roomy())).rejects.toMatchObject({
      name: 'NoProviderAnswered',
      tier: 'switch',
      attempts: expect.arrayContaining([
        { provider: 'a', outcome: 'over_budget' },
        { provider: 'b', outcome: 'breaker_open' },
      ]),
    });
    expect(fakes.a.calls + fakes.b.calls).toBe(0);
  });

  it('cuts a hanging provider at its own timeout and moves on to the next', async () => {
    fakes.a.behaviour = { kind: 'hang' };
    providers[0].timeout_ms = 100;
    const answer = await router.complete('switch', ask, roomy());
    expect(answer.provider).toBe('b');
    expect(answer.attempts[0]).toEqual({
      provider: 'a',
      outcome: 'failed',
      detail: 'timed out after 100 ms',
    });
  });

  it("gives a call no more than the caller's deadline leaves, and none once it has passed", async () => {
    fakes.a.behaviour = { kind: 'hang' };
    providers = [providers[0]];
    const failure = (await router
      .complete('switch', ask, { timeoutMs: 5000, deadline: Date.now() + 150 })
      .catch((e: unknown) => e)) as NoProviderAnswered;
    expect(failure).toBeInstanceOf(NoProviderAnswered);
    const granted = Number(/^timed out after (\d+) ms$/.exec(failure.attempts[0].detail!)?.[1]);
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThanOrEqual(150);

    const calls = fakes.a.calls;
    await expect(
      router.complete('switch', ask, { timeoutMs: 5000, deadline: Date.now() - 1 }),
    ).rejects.toMatchObject({ attempts: [{ provider: 'a', outcome: 'no_time_left' }] });
    expect(fakes.a.calls).toBe(calls);
  });

  it('keeps the tiers apart, and says plainly when a tier has no provider', async () => {
    expect((await router.complete('madre', ask, roomy())).provider).toBe('m');
    providers = providers.filter((p) => p.tier === 'switch');
    expect(router.hasProviders('switch')).toBe(true);
    expect(router.hasProviders('madre')).toBe(false);
    await expect(router.complete('madre', ask, roomy())).rejects.toThrow(
      'no madre-tier provider configured',
    );
  });

  describe('streaming', () => {
    const streamed = (options: Partial<Parameters<TierRouter['complete']>[2]> = {}) => {
      const pieces: Array<[string, string]> = [];
      const answer = router.complete('switch', ask, {
        ...roomy(),
        ...options,
        onDelta: (delta, provider) => pieces.push([provider.name, delta.content]),
      });
      return { pieces, answer };
    };

    it('hands each piece over as it arrives and counts the usage of the final chunk', async () => {
      fakes.a.behaviour = { kind: 'answer', content: 'one two three' };
      const { pieces, answer } = streamed();
      expect(await answer).toMatchObject({
        provider: 'a',
        content: 'one two three',
        usage: { total_tokens: 12 },
      });
      expect(pieces).toEqual([
        ['a', 'one '],
        ['a', 'two '],
        ['a', 'three'],
      ]);
      expect(fakes.a.last?.body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('counts the tokens when the provider sends no usage', async () => {
      fakes.a.behaviour = { kind: 'answer', content: 'x'.repeat(40), noUsage: true };
      const { answer } = streamed();
      expect((await answer).usage).toMatchObject({ completion_tokens: 10 });
    });

    it('moves on before the first piece, never after it', async () => {
      fakes.a.behaviour = { kind: 'fail', status: 500 };
      const before = streamed();
      expect((await before.answer).provider).toBe('b');
      expect(before.pieces.every(([name]) => name === 'b')).toBe(true);

      fakes.a.behaviour = { kind: 'die-mid-stream', chunks: 1, content: 'cut short here' };
      const calls = fakes.b.calls;
      const after = streamed({ hint: 'a' });
      await expect(after.answer).rejects.toBeInstanceOf(StreamBroken);
      expect(after.pieces).toEqual([['a', 'cut ']]);
      expect(fakes.b.calls).toBe(calls);
    });

    it('aborts the provider call when the caller does, without blaming the provider', async () => {
      fakes.a.behaviour = { kind: 'answer', chunkDelayMs: 200, content: 'slow '.repeat(20) };
      const abort = new AbortController();
      const { answer } = streamed({ signal: abort.signal, pin: 'a' });
      await waitUntil(() => fakes.a.last?.body.stream === true);
      abort.abort();
      await expect(answer).rejects.toBeDefined();
      await waitUntil(() => fakes.a.last?.closedEarly === true);
      expect(scoreboard.snapshot(providers[0]).failures).toBe(0);
    });
  });

  it('downgrades to the cheapest provider when the preferred one is under 10% of its budget', async () => {
    providers[0].daily_token_budget = 1000;
    providers[0].cost_per_1k_tokens = 10;
    providers[1].cost_per_1k_tokens = 1;
    await scoreboard.recordSuccess('a', 10, 950);
    const answer = await router.complete('switch', ask, roomy());
    expect(answer.provider).toBe('b');
    expect(answer.downgrade).toContain('budget downgrade: a has 5% of its daily budget left');
    expect(fakes.a.calls).toBe(0);
    expect(events.emit).toHaveBeenCalledWith(
      'budget.downgrade',
      'switch',
      expect.objectContaining({ from: 'a', to: 'b', remaining_ratio: 0.05 }),
      'warning',
    );
    // with budget left there is no downgrade (the scores decide again)
    providers[0].daily_token_budget = 100_000;
    expect((await router.complete('switch', ask, roomy())).downgrade).toBeUndefined();
  });

  it('lets a provider at max_concurrency refuse the excess after a short wait', async () => {
    providers[0].max_concurrency = 1;
    fakes.a.behaviour = { kind: 'delay', ms: 400 };
    const [first, second] = await Promise.all([
      router.complete('switch', ask, roomy()),
      router.complete('switch', ask, roomy()),
    ]);
    expect([first.provider, second.provider].sort()).toEqual(['a', 'b']);
    const refused = first.provider === 'b' ? first : second;
    expect(refused.attempts[0]).toMatchObject({ provider: 'a', outcome: 'busy' });
    expect(fakes.a.maxInFlight).toBe(1);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
