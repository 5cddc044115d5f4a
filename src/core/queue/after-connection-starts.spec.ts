import { clientThatCannotStart } from '../../../test/support/redis-harness';
import { CatalogQueue } from './catalog-queue';
import { ClosableWorker } from './closable-worker';
import { JobCatalog } from './job-catalog';
import { JobName, QueueName } from './queue-names';

describe('scheduler getters on a connection that failed to start', () => {
  // BullMQ's own getters reject inside a promise executor: jest fails a test on an unhandled
  // rejection that happens during it, so let any such rejection happen before the test ends.
  const noUnhandledRejection = async () => {
    for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };

  it('a queue: the scheduler upsert and `repeat` reject with the failure instead of waiting for good', async () => {
    const client = await clientThatCannotStart();
    const queue = new CatalogQueue(QueueName.Health, new JobCatalog(), {
      connection: client,
      prefix: 'vx11-unit',
    });
    queue.on('error', () => undefined);
    await expect(queue.waitUntilReady()).rejects.toThrow(/Connection is closed/);

    await expect(
      queue.upsertJobScheduler('every-second', { every: 1000 }, { name: JobName.HealthCycle }),
    ).rejects.toThrow(/Connection is closed/);
    await expect(queue.repeat).rejects.toThrow(/Connection is closed/);
    await noUnhandledRejection();
    await queue.close().catch(() => undefined);
    client.disconnect();
  });

  it('a worker: `jobScheduler` and `repeat` reject with the failure', async () => {
    const client = await clientThatCannotStart();
    const worker = new ClosableWorker(QueueName.Health, async () => undefined, {
      connection: client,
      prefix: 'vx11-unit',
      autorun: false,
    });
    worker.on('error', () => undefined);
    await expect(worker.jobScheduler).rejects.toThrow(/Connection is closed/);
    await expect(worker.repeat).rejects.toThrow(/Connection is closed/);
    await noUnhandledRejection();
    await worker.close(true).catch(() => undefined);
    client.disconnect();
  });
});
