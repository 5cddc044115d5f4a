import { Job } from 'bullmq';
import Redis from 'ioredis';
import { ensureRedis } from '../../../test/support/redis-harness';
import { CatalogQueue } from './catalog-queue';
import { JOB_CATALOG, JobCatalog } from './job-catalog';
import { JobName, QueueName } from './queue-names';

describe('CatalogQueue (real Redis)', () => {
  const prefix = `vx11-unit-catalog-${process.pid}`;
  let redis: Awaited<ReturnType<typeof ensureRedis>>;
  let client: Redis;
  let queue: CatalogQueue;

  beforeAll(async () => {
    redis = await ensureRedis();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    queue = new CatalogQueue(QueueName.Health, new JobCatalog(), { connection: client, prefix });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    client.disconnect();
    redis.child?.kill();
  });

  it("stores the job with the catalog's options over the caller's, and says it is waiting", async () => {
    const waiting: string[] = [];
    queue.on('waiting', (job) => waiting.push(job.id ?? ''));
    const added = await queue.add(JobName.HealthCycle, { n: 1 }, { jobId: 'one', attempts: 9 });

    const stored = await Job.fromId(queue, 'one');
    const spec = JOB_CATALOG[QueueName.Health].jobs[JobName.HealthCycle];
    expect(stored?.data).toEqual({ n: 1 });
    expect(stored?.opts).toMatchObject({
      attempts: spec.attempts,
      removeOnFail: spec.removeOnFail,
    });
    expect(added.id).toBe('one');
    expect(await queue.getJobState('one')).toBe('waiting');
    expect(waiting).toEqual(['one']);
  });

  it('refuses a job the catalog does not list, before Redis', async () => {
    await expect(queue.add('no-such-job', {})).rejects.toThrow(
      `job ${QueueName.Health}/no-such-job is not in the job catalog`,
    );
    expect((await queue.getJobCounts('waiting')).waiting).toBe(1);
  });
});
