import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const HOW_TO_GET_REDIS =
  'The e2e tests need Redis. Start one (e.g. `apt-get install redis-server && redis-server --daemonize yes`) ' +
  'or set REDIS_URL to a reachable Redis.';

/** True when a Redis at `url` answers PING within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * A client whose one connection attempt is refused (nothing listens on its port), after which
 * it ends: a Redis connection that failed to start.
 */
export async function clientThatCannotStart(): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port: await freePort(),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: null,
  });
  client.on('error', () => undefined);
  return client;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The Redis the tests use: REDIS_URL (or the default local one) when it answers, else a
 * redis-server started here on a free port. Throws with instructions when neither is possible.
 */
export async function ensureRedis(): Promise<{ url: string; child?: ChildProcess }> {
  const url = process.env.REDIS_URL ?? DEFAULT_URL;
  if (await redisAnswers(url)) return { url };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      `No Redis answers at ${url} and redis-server is not installed. ${HOW_TO_GET_REDIS}`,
    );
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
      detached: false,
    },
  );
  const ownUrl = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await redisAnswers(ownUrl)) return { url: ownUrl, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(
    `Started redis-server on port ${port} but it never answered. ${HOW_TO_GET_REDIS}`,
  );
}

/**
 * A redis-server owned by one test, on its own port, that the test may kill and start again
 * (same port, empty data) to stage an outage.
 */
export class OwnedRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free port and waits until it answers. */
  static async start(): Promise<OwnedRedis> {
    if (spawnSync('redis-server', ['--version']).error) {
      throw new Error(`This test stops and starts its own Redis. ${HOW_TO_GET_REDIS}`);
    }
    const redis = new OwnedRedis(await freePort());
    await redis.restart();
    return redis;
  }

  /** (Re)starts the server on the same port; resolves once it answers PING. */
  async restart(timeoutMs = 5000): Promise<void> {
    if (this.running) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await redisAnswers(this.url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not answer within ${timeoutMs} ms`);
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}
