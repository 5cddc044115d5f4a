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
