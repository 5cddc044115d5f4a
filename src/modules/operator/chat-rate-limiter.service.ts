import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../../core/config/app-config';
import { RedisService } from '../../core/queue/redis.service';
import { withTimeout } from '../../core/util/with-timeout';

const REDIS_TIMEOUT_MS = 250;
/** INCR the window's counter, start its expiry on the first hit, return count and ms left. */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSec: number;
}

/**
 * Chat messages per session per window (fixed window). Counted in Redis so the limit holds
 * across restarts; in memory while Redis is unreachable.
 */
@Injectable()
export class ChatRateLimiter {
  private client: Redis | undefined;
  private readonly memory = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  async hit(sessionId: string): Promise<RateDecision> {
    const windowMs = this.config.chat.rateWindowSec * 1000;
    let count: number;
    let msLeft: number;
    try {
      [count, msLeft] = await this.hitRedis(sessionId, windowMs);
    } catch {
      [count, msLeft] = this.hitMemory(sessionId, windowMs);
    }
    return {
      allowed: count <= this.config.chat.rateLimit,
      retryAfterSec: Math.max(1, Math.ceil(msLeft / 1000)),
    };
  }

  private async hitRedis(sessionId: string, windowMs: number): Promise<[number, number]> {
    if (!this.redis.isUp()) throw new Error('redis unreachable');
    this.client ??= this.redis.createClient('ratelimit', { maxRetriesPerRequest: 1 });
    const key = `${this.config.queuePrefix}:ratelimit:chat:${sessionId}`;
    const [count, ttl] = (await withTimeout(
      this.client.eval(HIT_SCRIPT, 1, key, windowMs),
      REDIS_TIMEOUT_MS,
      'rate limit',
    )) as [number, number];
    return [count, ttl > 0 ? ttl : windowMs];
  }

  private hitMemory(sessionId: string, windowMs: number): [number, number] {
    const now = Date.now();
    if (this.memory.size > 10_000) {
      for (const [key, entry] of this.memory) if (entry.resetAt <= now) this.memory.delete(key);
    }
    let entry = this.memory.get(sessionId);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      this.memory.set(sessionId, entry);
    }
    entry.count += 1;
    return [entry.count, entry.resetAt - now];
  }
}
