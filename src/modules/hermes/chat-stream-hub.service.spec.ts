import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { OwnedRedis } from '../../../test/support/redis-harness';
import { AppConfig } from '../../core/config/app-config';
import { RedisService } from '../../core/queue/redis.service';
import { ChatStreamEvent, ChatStreamHub } from './chat-stream-hub.service';

/** Polls until `check` is truthy or 5 s pass. */
async function until<T>(check: () => Promise<T> | T): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Two hubs on one prefix, as two VX11 processes sharing a Redis would hold them: the caller's
 * and the worker's. The prefix holds glob characters, which the pattern must take literally.
 */
describe('ChatStreamHub across processes (real Redis)', () => {
  let server: OwnedRedis;
  let services: RedisService[];
  let caller: ChatStreamHub;
  let worker: ChatStreamHub;
  let admin: Redis;
  const prefix = `hub-unit-${process.pid}-[a]*?`;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    server = await OwnedRedis.start();
    const config = { redisUrl: server.url, queuePrefix: prefix } as AppConfig;
    services = [new RedisService(config), new RedisService(config)];
    await Promise.all(services.map((s) => s.whenUp(5000)));
    [caller, worker] = services.map((s) => new ChatStreamHub(config, s));
    admin = new Redis(server.url);
  });

  afterAll(async () => {
    await admin.quit();
    await Promise.all(services.map((s) => s.close()));
    await server.kill();
  });

  /** Opens a stream on the caller, sends `pieces` from the worker; the events the caller got. */
  async function relay(jobId: string, pieces: string[]): Promise<ChatStreamEvent[]> {
    const got: ChatStreamEvent[] = [];
    const tap = caller.open(jobId);
    tap.onEvent = (event) => got.push(event);
    // the first stream's pattern subscription is written, not awaited: as in VX11, the worker
    // publishes only after taking the job, and here after the subscription took effect
    await until(async () => Number(await admin.pubsub('NUMPAT')) === 1);
    const outlet = await worker.attach(jobId);
    outlet.emit({ t: 'start', provider: 'p', model: 'm' });
    for (const c of pieces) outlet.emit({ t: 'delta', c });
    outlet.close();
    await until(() => got.length === pieces.length + 1);
    tap.close();
    return got;
  }

  it('carries a job’s pieces over one pattern subscription, no channel per stream', async () => {
    expect(await relay('job-1', ['a', 'b', 'c'])).toEqual([
      { t: 'start', provider: 'p', model: 'm' },
      { t: 'delta', c: 'a' },
      { t: 'delta', c: 'b' },
      { t: 'delta', c: 'c' },
    ]);
    const open = ['job-2', 'job-3'].map((id) => caller.open(id));
    expect(await admin.pubsub('CHANNELS', '*chat-stream*')).toEqual([]);
    expect(Number(await admin.pubsub('NUMPAT'))).toBe(1);
    for (const tap of open) tap.close();
    expect(await relay('job-4', ['d'])).toHaveLength(2);
    expect(worker.publishedOverRedis).toBe(6);
  });

  it('tells the worker when its caller cancels', async () => {
    const tap = caller.open('job-5');
    const outlet = await worker.attach('job-5');
    tap.cancel();
    expect(await until(() => outlet.signal.aborted)).toBe(true);
    outlet.close();
    tap.close();
  });

  it('still hears streams after Redis restarted (ioredis renews the pattern)', async () => {
    await server.kill();
    await until(() => !services[0].isUp() && !services[1].isUp());
    await server.restart();
    await until(() => services[0].isUp() && services[1].isUp());
    expect(await relay('job-6', ['after', 'restart'])).toEqual([
      { t: 'start', provider: 'p', model: 'm' },
      { t: 'delta', c: 'after' },
      { t: 'delta', c: 'restart' },
    ]);
  });
});
