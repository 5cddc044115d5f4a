'use strict';

const { HOST, say } = require('./child-server');

/** A client for one question to the benches' Redis: no retries, connected by the caller. */
function shortLivedClient() {
  const Redis = require('ioredis');
  const redis = new Redis({
    host: HOST,
    port: 6379,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Best effort: deletes this run's BullMQ jobs and rate-limit counters (`<prefix>:*`, a prefix
 * unique to the run) so thousands of chats leave nothing behind in the shared Redis.
 */
const dropped = new Set();
async function dropQueueKeys(prefix) {
  if (dropped.has(prefix) || !prefix) return;
  dropped.add(prefix);
  const redis = shortLivedClient();
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (err) {
    say(`note: could not delete the Redis keys under ${prefix}: (${err.message})`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Redis's own CPU seconds so far (used_cpu_user + used_cpu_sys of INFO cpu), or null when it
 * cannot be read. Redis shares the machine's cores with VX11, so its CPU per chat counts too.
 */
async function redisCpuSeconds() {
  const redis = shortLivedClient();
  try {
    await redis.connect();
    const info = await redis.info('cpu');
    const field = (name) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
    const seconds = field('used_cpu_user') + field('used_cpu_sys');
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

module.exports = { dropQueueKeys, redisCpuSeconds };
