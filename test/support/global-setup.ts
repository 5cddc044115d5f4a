import { ensureRedis } from './redis-harness';

/** Finds or starts the Redis every e2e spec uses and publishes it as REDIS_URL. */
export default async function globalSetup(): Promise<void> {
  const { url, child } = await ensureRedis();
  process.env.REDIS_URL = url;
  (globalThis as { __VX11_REDIS__?: typeof child }).__VX11_REDIS__ = child;
}
