import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuthService } from '../../../core/auth/auth.service';
import { AppConfig } from '../../../core/config/app-config';

const MAX_LIVE_TOKENS = 10_000;

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface IssuedFeedToken {
  token: string;
  expires_at: string;
  ttl_sec: number;
}

/**
 * Short-lived tokens for clients that cannot send headers (EventSource, browser WebSockets).
 * They open the live feeds only — the token guard consults them on feed routes and nowhere
 * else — and are kept hashed, in memory: a restart simply voids them.
 */
@Injectable()
export class FeedTokens implements OnModuleInit {
  /** digest → expiry (ms); insertion order is expiry order, since the TTL is fixed. */
  private readonly live = new Map<string, number>();

  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.auth.acceptOnFeeds((presented) => this.isLive(presented));
  }

  issue(now = Date.now()): IssuedFeedToken {
    this.sweep(now);
    if (this.live.size >= MAX_LIVE_TOKENS) this.live.delete(this.live.keys().next().value!);
    const ttlSec = this.config.events.sseTokenTtlSec;
    const token = `vx11feed_${randomBytes(24).toString('base64url')}`;
    const expiresAt = now + ttlSec * 1000;
    this.live.set(digest(token), expiresAt);
    return { token, expires_at: new Date(expiresAt).toISOString(), ttl_sec: ttlSec };
  }

  isLive(presented: string, now = Date.now()): boolean {
    const key = digest(presented);
    const expiresAt = this.live.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt <= now) {
      this.live.delete(key);
      return false;
    }
    return true;
  }

  private sweep(now: number): void {
    for (const [key, expiresAt] of this.live) {
      if (expiresAt > now) break;
      this.live.delete(key);
    }
  }
}
