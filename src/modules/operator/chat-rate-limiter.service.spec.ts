import { AppConfig } from '../../core/config/app-config';
import { RedisService } from '../../core/queue/redis.service';
import { ChatRateLimiter } from './chat-rate-limiter.service';

/** Redis reported down: the limiter counts in memory, with the same rules. */
function memoryLimiter(rateLimit: number, clientRateLimit: number): ChatRateLimiter {
  const config = {
    queuePrefix: 'spec',
    chat: { rateLimit, clientRateLimit, rateWindowSec: 60, maxMessageChars: 4000 },
  } as AppConfig;
  return new ChatRateLimiter(config, { isUp: () => false } as unknown as RedisService);
}

describe('ChatRateLimiter (in memory)', () => {
  it('limits one address across fresh session ids, and each address on its own', async () => {
    const limiter = memoryLimiter(10, 3);
    for (let i = 0; i < 3; i += 1) {
      expect((await limiter.hit(`s${i}`, '10.0.0.1')).allowed).toBe(true);
    }
    expect(await limiter.hit('s-new', '10.0.0.1')).toMatchObject({
      allowed: false,
      scope: 'client',
      limit: 3,
    });
    expect((await limiter.hit('s-other', '10.0.0.2')).allowed).toBe(true);
  });

  it('still limits one session first, with the seconds left in its window', async () => {
    const limiter = memoryLimiter(2, 100);
    await limiter.hit('same', '10.0.0.1');
    await limiter.hit('same', '10.0.0.1');
    const refused = await limiter.hit('same', '10.0.0.1');
    expect(refused).toMatchObject({ allowed: false, scope: 'session', limit: 2 });
    expect(refused.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSec).toBeLessThanOrEqual(60);
  });
});

/**
 * A Redis holding the windows the hit script keeps (INCRBY, PEXPIRE on the first hits, PTTL);
 * `hold()` makes every later call wait until `release()`.
 */
class FakeRedis {
  readonly counts = new Map<string, { n: number; expiresAt: number }>();
  calls = 0;
  /** Whether the hit script is loaded: `SCRIPT FLUSH` (or a fresh Redis) sets this false. */
  scriptLoaded = true;
  /** Full-text `EVAL`s: what a client sends after `NOSCRIPT`. */
  evals = 0;
  private held: Array<() => void> | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const go of waiting) go();
  }

  async evalsha(_sha: string, n: number, ...rest: Array<string | number>): Promise<number[]> {
    if (!this.scriptLoaded) throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    return this.run(n, rest);
  }

  async eval(_script: string, n: number, ...rest: Array<string | number>): Promise<number[]> {
    this.evals += 1;
    this.scriptLoaded = true;
    return this.run(n, rest);
  }

  private async run(n: number, rest: Array<string | number>): Promise<number[]> {
    this.calls += 1;
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    const keys = rest.slice(0, n) as string[];
    const windowMs = Number(rest[n]);
    const now = Date.now();
    return keys.flatMap((key, i) => {
      let entry = this.counts.get(key);
      if (!entry || entry.expiresAt <= now) {
        entry = { n: 0, expiresAt: now + windowMs };
        this.counts.set(key, entry);
      }
      entry.n += Number(rest[n + 1 + i]);
      return [entry.n, entry.expiresAt - now];
    });
  }
}

function redisLimiter(redis: FakeRedis, rateLimit: number, clientRateLimit = 100) {
  const config = {
    queuePrefix: 'spec',
    chat: { rateLimit, clientRateLimit, rateWindowSec: 60, maxMessageChars: 4000 },
  } as AppConfig;
  const service = { isUp: () => true, createClient: () => redis } as unknown as RedisService;
  return new ChatRateLimiter(config, service);
}

describe('ChatRateLimiter (Redis)', () => {
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 2000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met within 2 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  it('keeps the counts in Redis, so a restarted limiter still refuses', async () => {
    const redis = new FakeRedis();
    const before = redisLimiter(redis, 2);
    expect((await before.hit('same', '10.0.0.1')).allowed).toBe(true);
    expect((await before.hit('same', '10.0.0.1')).allowed).toBe(true);
    await until(() => redis.counts.get('spec:ratelimit:chat:same')?.n === 2);

    const after = redisLimiter(redis, 2); // a new process over the same Redis
    expect(await after.hit('same', '10.0.0.1')).toMatchObject({
      allowed: false,
      scope: 'session',
    });
  });

  it('decides a known session at once, without waiting for Redis', async () => {
    const redis = new FakeRedis();
    const limiter = redisLimiter(redis, 2);
    await limiter.hit('known', '10.0.0.1'); // first message: read from Redis
    redis.hold();
    expect((await limiter.hit('known', '10.0.0.1')).allowed).toBe(true);
    expect(await limiter.hit('known', '10.0.0.1')).toMatchObject({ allowed: false });
    await until(() => redis.calls === 2); // both still counted in Redis, in one call
    redis.release();
    await until(() => redis.counts.get('spec:ratelimit:chat:known')?.n === 3);
    expect(redis.counts.get('spec:ratelimit:chat-client:10.0.0.1')?.n).toBe(3);
  });

  it('sends the increments of one turn together, in bounded calls', async () => {
    const redis = new FakeRedis();
    const limiter = redisLimiter(redis, 5, 10_000);
    await limiter.hit('first', '10.0.0.9'); // the client's window is read from Redis
    const calls = redis.calls;
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => limiter.hit(`new-${i}`, '10.0.0.9', true)),
    );
    // 600 made-up sessions + the client's key: two calls of at most 500 keys
    await until(() => redis.counts.get('spec:ratelimit:chat-client:10.0.0.9')?.n === 601);
    expect(redis.calls - calls).toBe(2);
    expect(redis.counts.get('spec:ratelimit:chat:new-599')?.n).toBe(1);
  });

  it('sends the script itself to a Redis that does not know it, waited for or not', async () => {
    const redis = new FakeRedis();
    redis.scriptLoaded = false; // a fresh Redis
    const limiter = redisLimiter(redis, 5);
    expect((await limiter.hit('s', '10.0.0.3')).allowed).toBe(true); // read from Redis
    expect(redis.evals).toBe(1);
    redis.scriptLoaded = false; // SCRIPT FLUSH
    expect((await limiter.hit('s', '10.0.0.3')).allowed).toBe(true); // counted in the background
    await until(() => redis.counts.get('spec:ratelimit:chat:s')?.n === 2);
    expect(redis.evals).toBe(2);
  });

  it('asks Redis for a session it has not seen, unless the session is new', async () => {
    const redis = new FakeRedis();
    const limiter = redisLimiter(redis, 5);
    await limiter.hit('first', '10.0.0.1');
    redis.counts.set('spec:ratelimit:chat:elsewhere', { n: 5, expiresAt: Date.now() + 60_000 });
    redis.hold();
    const unseen = limiter.hit('elsewhere', '10.0.0.1');
    const fresh = await limiter.hit('made-up', '10.0.0.1', true); // not waiting for Redis
    expect(fresh.allowed).toBe(true);
    redis.release();
    expect(await unseen).toMatchObject({ allowed: false, scope: 'session' });
  });
});
