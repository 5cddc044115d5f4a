import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../core/config/app-config';
import { RedisService } from '../../core/queue/redis.service';
import { withTimeout } from '../../core/util/with-timeout';

const REDIS_TIMEOUT_MS = 250;
const MEMORY_SWEEP_OVER = 10_000;
/** Past this many windows in memory the oldest go first, whatever a flood sends. */
const MEMORY_MAX_KEYS = 100_000;
/** Most keys one batch of increments sends to Redis in one script call. */
const MAX_KEYS_PER_CALL = 500;
/**
 * Adds ARGV[i + 1] to each key's window counter, starts its expiry on the first hits; returns
 * count and ms left per key. Both counters of a message move in one round trip, so a refused
 * message counts on both.
 */
const HIT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[i + 1])
  local n = redis.call('INCRBY', key, by)
  if n == by then redis.call('PEXPIRE', key, ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;
/** Redis runs the script by its hash; the full text is sent only when Redis does not know it. */
const HIT_SCRIPT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/** Which limit refused a message. */
export type RateScope = 'session' | 'client';

export interface RateDecision {
  allowed: boolean;
  /** The limit that refused (the first one over, session before client); undefined if allowed. */
  scope?: RateScope;
  /** The refusing limit's count per window. */
  limit?: number;
  /** Seconds until the refusing window resets (for Retry-After). */
  retryAfterSec: number;
}

interface Counted {
  count: number;
  msLeft: number;
}

/**
 * Chat messages per window (fixed windows), counted twice: per session, and per client (the
 * caller's address) so a fresh session_id per message cannot get around the session limit.
 * Counted in Redis so the limits hold across restarts. VX11 is one process, so once a key's
 * window is known here (read from Redis on its first message) the next messages are decided
 * from memory at once and counted in Redis without waiting for it: the increments of one
 * event-loop turn go together in one call. While Redis is unreachable memory alone counts.
 */
@Injectable()
export class ChatRateLimiter {
  private client: Redis | undefined;
  private readonly memory = new Map<string, { count: number; resetAt: number }>();
  private nextSweepAt = 0;
  /** Increments decided from memory and not yet sent to Redis, by key. */
  private readonly unsent = new Map<string, number>();
  private sendQueued = false;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  /**
   * Counts one message. `newSession`: the session id was made up for this message, so it has
   * no count anywhere yet.
   */
  async hit(sessionId: string, clientAddress: string, newSession = false): Promise<RateDecision> {
    const windowMs = this.config.chat.rateWindowSec * 1000;
    const keys = [`chat:${sessionId}`, `chat-client:${clientAddress}`];
    const counted = await this.count(keys, windowMs, newSession);
    const limits: Array<[RateScope, number]> = [
      ['session', this.config.chat.rateLimit],
      ['client', this.config.chat.clientRateLimit],
    ];
    const over = limits.findIndex(([, limit], i) => counted[i].count > limit);
    const retryAfter = (c: Counted) => Math.max(1, Math.ceil(c.msLeft / 1000));
    if (over < 0) return { allowed: true, retryAfterSec: retryAfter(counted[0]) };
    return {
      allowed: false,
      scope: limits[over][0],
      limit: limits[over][1],
      retryAfterSec: retryAfter(counted[over]),
    };
  }

  private async count(keys: string[], windowMs: number, newSession: boolean): Promise<Counted[]> {
    if (!this.redis.isUp()) return this.hitMemoryBoth(keys, windowMs);
    const [sessionKey, clientKey] = keys;
    const now = Date.now();
    if ((newSession || this.knows(sessionKey, now)) && this.knows(clientKey, now)) {
      const counted = [
        newSession ? { count: 1, msLeft: windowMs } : this.hitMemory(sessionKey, windowMs),
        this.hitMemory(clientKey, windowMs),
      ];
      this.countInRedisSoon(keys, windowMs);
      return counted;
    }
    try {
      const counted = await this.hitRedis(keys, [1, 1], windowMs);
      // a made-up session is not kept: if it sends again, Redis has its count
      const answeredAt = Date.now(); // the windows' ms left were read now, not before the wait
      this.remember(clientKey, counted[1], answeredAt);
      if (!newSession) this.remember(sessionKey, counted[0], answeredAt);
      return counted;
    } catch {
      return this.hitMemoryBoth(keys, windowMs);
    }
  }

  private knows(key: string, now: number): boolean {
    const entry = this.memory.get(key);
    return entry !== undefined && entry.resetAt > now;
  }

  private remember(key: string, counted: Counted, now: number): void {
    this.makeRoom(now);
    this.memory.delete(key); // re-inserted last: the eviction order stays oldest first
    this.memory.set(key, { count: counted.count, resetAt: now + counted.msLeft });
  }

  /**
   * Counts in Redis, for after a restart, at the end of this event-loop turn: one script call
   * carries every increment decided meanwhile. A lost call costs its messages of slack.
   */
  private countInRedisSoon(keys: string[], windowMs: number): void {
    for (const key of keys) this.unsent.set(key, (this.unsent.get(key) ?? 0) + 1);
    if (this.sendQueued) return;
    this.sendQueued = true;
    setImmediate(() => {
      this.sendQueued = false;
      const batch = [...this.unsent];
      this.unsent.clear();
      for (let i = 0; i < batch.length; i += MAX_KEYS_PER_CALL) {
        const part = batch.slice(i, i + MAX_KEYS_PER_CALL);
        // nobody waits for this call: no timeout armed, no answer read
        this.runHitScript(
          part.map(([key]) => key),
          [windowMs, ...part.map(([, n]) => n)],
        ).catch(() => undefined);
      }
    });
  }

  private async hitRedis(
    keys: string[],
    increments: number[],
    windowMs: number,
  ): Promise<Counted[]> {
    const flat = (await withTimeout(
      this.runHitScript(keys, [windowMs, ...increments]),
      REDIS_TIMEOUT_MS,
      'rate limit',
    )) as number[];
    return keys.map((_, i) => {
      const ttl = flat[2 * i + 1];
      return { count: flat[2 * i], msLeft: ttl > 0 ? ttl : windowMs };
    });
  }

  /** The hit script on `keys` (unprefixed); a plain chain, called once per message or turn. */
  private runHitScript(keys: string[], args: number[]): Promise<unknown> {
    const prefix = `${this.config.queuePrefix}:ratelimit:`;
    const call = [keys.length, ...keys.map((k) => prefix + k), ...args] as const;
    try {
      const client = (this.client ??= this.redis.createClient('ratelimit', {
        maxRetriesPerRequest: 1,
      }));
      return client.evalsha(HIT_SCRIPT_SHA, ...call).catch((err: Error) => {
        if (!/NOSCRIPT/.test(err.message)) throw err;
        return client.eval(HIT_SCRIPT, ...call);
      });
    } catch (err) {
      return Promise.reject(err); // the background caller runs in a setImmediate: never throw there
    }
  }

  /** A client already over its limit creates no session window: a flood cannot grow the map. */
  private hitMemoryBoth([sessionKey, clientKey]: string[], windowMs: number): Counted[] {
    const client = this.hitMemory(clientKey, windowMs);
    const session =
      client.count > this.config.chat.clientRateLimit
        ? { count: 0, msLeft: client.msLeft }
        : this.hitMemory(sessionKey, windowMs);
    return [session, client];
  }

  private hitMemory(key: string, windowMs: number): Counted {
    const now = Date.now();
    this.makeRoom(now);
    let entry = this.memory.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      this.memory.set(key, entry);
    }
    entry.count += 1;
    return { count: entry.count, msLeft: entry.resetAt - now };
  }

  private makeRoom(now: number): void {
    if (this.memory.size > MEMORY_SWEEP_OVER && now >= this.nextSweepAt) {
      this.nextSweepAt = now + 1000; // a sweep walks every window: at most once a second
      for (const [k, entry] of this.memory) if (entry.resetAt <= now) this.memory.delete(k);
    }
    for (const k of this.memory.keys()) {
      if (this.memory.size < MEMORY_MAX_KEYS) break;
      this.memory.delete(k); // insertion order: the oldest windows go first
    }
  }
}
