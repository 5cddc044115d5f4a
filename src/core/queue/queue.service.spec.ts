import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { clientThatCannotStart, OwnedRedis } from '../../../test/support/redis-harness';
import { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus.service';
import { FinishedJobs } from './finished-jobs';
import { JobCatalog } from './job-catalog';
import { JobHandlers } from './job-handlers';
import { QueueName } from './queue-names';
import { QueueService } from './queue.service';
import { RedisService } from './redis.service';

/** A QueueService whose producer connection is `client` (queue() needs nothing else). */
function serviceWith(client: Redis): QueueService {
  const redis = {
    createClient: () => client,
    isUp: () => false,
    close: async () => undefined,
  } as unknown as RedisService;
  const catalog = new JobCatalog();
  return new QueueService(
    { queuePrefix: `vx11-unit-${process.pid}` } as AppConfig,
    redis,
    {} as EventBus,
    catalog,
    new JobHandlers(catalog),
    {} as FinishedJobs,
  );
}

describe('QueueService.queue', () => {
  it('replaces a queue whose connection failed to start: it would fail every call for good', async () => {
    const client = await clientThatCannotStart();
    const service = serviceWith(client);
    const first = service.queue(QueueName.Health);
    await expect(first.waitUntilReady()).rejects.toThrow(/Connection is closed/);
    await new Promise((resolve) => setImmediate(resolve));

    const second = service.queue(QueueName.Health);
    expect(second).not.toBe(first);
    expect(service.queue(QueueName.Health)).toBe(second);
    await service.onApplicationShutdown();
    client.disconnect();
  });

  it('warns once while a queue keeps failing to start, not on every use', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const client = await clientThatCannotStart();
    const service = serviceWith(client);
    try {
      for (let i = 0; i < 3; i += 1) {
        await service
          .queue(QueueName.Health)
          .waitUntilReady()
          .catch(() => undefined);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const couldNotStart = (spy: jest.SpyInstance) =>
        spy.mock.calls.filter(([message]) => String(message).includes('could not start')).length;
      expect(couldNotStart(warn)).toBe(1);
      expect(couldNotStart(debug)).toBe(2);
    } finally {
      warn.mockRestore();
      debug.mockRestore();
      await service.onApplicationShutdown();
      client.disconnect();
    }
  });

  it('keeps a queue that started', async () => {
    const redis = await OwnedRedis.start();
    const client = new Redis(redis.url);
    try {
      const service = serviceWith(client);
      const queue = service.queue(QueueName.Health);
      await queue.waitUntilReady();
      await new Promise((resolve) => setImmediate(resolve));
      expect(service.queue(QueueName.Health)).toBe(queue);
      await service.onApplicationShutdown();
    } finally {
      client.disconnect();
      await redis.kill();
    }
  });
});

describe('QueueService.request', () => {
  /** A service with Redis up whose queue's add() does what `add` does. */
  function withAdd(add: () => Promise<unknown>, up = true): QueueService {
    const service = serviceWith({} as Redis);
    (service as unknown as { redis: { isUp: () => boolean } }).redis.isUp = () => up;
    jest
      .spyOn(service, 'queue')
      .mockReturnValue({ add } as unknown as ReturnType<QueueService['queue']>);
    return service;
  }
  const ask = (service: QueueService, timeoutMs = 5000) =>
    service.request(QueueName.Health, 'health-check' as never, {}, timeoutMs);

  it('ends a wait whose enqueue never settles when the reply is due', async () => {
    const service = withAdd(() => new Promise(() => undefined));
    await expect(ask(service, 50)).rejects.toThrow('no result within 50 ms');
  });

  it('hands an enqueue failure to the caller at once, as an Error', async () => {
    await expect(ask(withAdd(() => Promise.reject(new Error('READONLY'))))).rejects.toThrow(
      'READONLY',
    );
    await expect(ask(withAdd(() => Promise.reject('a string')))).rejects.toThrow('a string');
    const throwing = withAdd(() => {
      throw new Error('no such queue');
    });
    await expect(ask(throwing)).rejects.toThrow('no such queue');
  });

  it('refuses without Redis, before making a job', async () => {
    const add = jest.fn(() => Promise.resolve());
    await expect(ask(withAdd(add, false))).rejects.toThrow('redis unreachable');
    expect(add).not.toHaveBeenCalled();
  });
});
