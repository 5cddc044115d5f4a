import type { RedisOptions } from 'ioredis';

/** Reconnect forever with a capped backoff: Redis coming back must heal VX11 by itself. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 5), 2000);
}

/** ioredis options from REDIS_URL (BullMQ takes options, not a URL). */
export function redisOptionsFromUrl(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    retryStrategy: reconnectDelayMs,
    connectTimeout: 2000,
    // After disconnect() ioredis waits this long for the socket's close event before destroying
    // it, on a ref'd timer. A socket that already died (Redis down) never sends that event, so
    // the default 2 s held a closing process open for nothing.
    disconnectTimeout: 200,
    lazyConnect: false,
  };
}
