import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Job, JobJsonRaw, Queue } from 'bullmq';
import { AppConfig } from '../src/core/config/app-config';
import { EventBus, VxEvent } from '../src/core/events/event-bus.service';
import { ClosableWorker } from '../src/core/queue/closable-worker';
import { JOB_CATALOG, JobSpec, QueueSpec } from '../src/core/queue/job-catalog';
import { JobHandlers } from '../src/core/queue/job-handlers';
import { JobName, QueueName } from '../src/core/queue/queue-names';
import { QueueService } from '../src/core/queue/queue.service';
import { RedisService } from '../src/core/queue/redis.service';
import { bootCatalogApp, CatalogApp } from './support/catalog-app';
import { waitFor } from './support/test-app';

/** Queues no module of VX11 consumes, added to the catalog, so the test owns their workers. */
const QUEUE = 'test-workers' as QueueName;
const SHORT_DRAIN_QUEUE = 'test-short-drain' as QueueName;
const ONCE: JobSpec = { attempts: 1, removeOnComplete: true, removeOnFail: true };
const TEST_QUEUES: Record<string, QueueSpec> = {
  [QUEUE]: {
    owner: 'hormiguero',
    concurrency: 1,
    jobs: Object.fromEntries(
      ['throw-null', 'throw-string', 'throw-unprintable', 'fine', 'slow'].map((n) => [n, ONCE]),
    ),
  },
  [SHORT_DRAIN_QUEUE]: { owner: 'hormiguero', concurrency: 1, drainMs: 200, jobs: { stuck: ONCE } },
};

/** What the handlers below share with the tests. */
const probe = { started: false, release: () => undefined as unknown, gate: Promise.resolve() };

@Injectable()
class TestJobHandlers implements OnModuleInit {
  constructor(private readonly jobHandlers: JobHandlers) {}

  onModuleInit(): void {
    const on = (queue: QueueName, name: string, handler: (job: Job) => unknown) =>
      this.jobHandlers.register(queue, name as JobName, handler);
    on(QUEUE, 'throw-null', () => {
      throw null;
    });
    on(QUEUE, 'throw-string', () => {
      throw 'a string';
    });
    on(QUEUE, 'throw-unprintable', () => {
      throw {
        toString() {
          throw new Error('cannot print me');
        },
      };
    });
    on(QUEUE, 'fine', (job) => ({ echoed: job.data }));
    on(QUEUE, 'slow', async () => {
      probe.started = true;
      await probe.gate;
      return 'finished';
    });
    on(SHORT_DRAIN_QUEUE, 'stuck', () => {
      probe.started = true;
      return new Promise(() => undefined); // never settles
    });
  }
}

@Module({ providers: [TestJobHandlers] })
class TestJobsModule {}

describe('queue workers (real Redis)', () => {
  let booted: CatalogApp;
  let queues: QueueService;
  const events: VxEvent[] = [];

  beforeAll(async () => {
    booted = await bootCatalogApp({
      catalog: { ...JOB_CATALOG, ...TEST_QUEUES },
      imports: [TestJobsModule],
    });
    queues = booted.app.get(QueueService);
    booted.app.get(EventBus).subscribe((event) => void events.push(event));
  });
  beforeEach(() => {
    probe.started = false;
    probe.gate = new Promise((resolve) => (probe.release = resolve));
  });
  afterAll(async () => {
    for (const name of [QUEUE, SHORT_DRAIN_QUEUE]) {
      await queues.queue(name).obliterate({ force: true }); // the abandoned job, among others
    }
    await booted.close();
  });

  const ask = (name: string, timeoutMs = 5000, queue = QUEUE) =>
    queues.request(queue, name as JobName, { n: 1 }, timeoutMs);

  it('fails only the job whose handler throws, whatever it throws', async () => {
    const worker = queues.startWorker(QUEUE);
    try {
      // Each fails at once with an Error naming what was thrown, not after the wait.
      await expect(ask('throw-null')).rejects.toThrow(/test-workers job: null/);
      await expect(ask('throw-string')).rejects.toThrow(/test-workers job: a string/);
      await expect(ask('throw-unprintable')).rejects.toThrow(/cannot be printed/);
      await expect(ask('fine')).resolves.toEqual({ echoed: { n: 1 } });
    } finally {
      await queues.closeWorker(worker);
    }
  });

  it('refuses a job name the catalog does not list for the queue', async () => {
    await expect(ask('stuck')).rejects.toThrow('job test-workers/stuck is not in the job catalog');
  });

  it('closing a worker lets its active job finish and store its result', async () => {
    const worker = queues.startWorker(QUEUE);
    const answer = ask('slow', 10000);
    await waitFor(() => probe.started, 5000);
    const closing = queues.closeWorker(worker);
    let closed = false;
    void closing.then(() => (closed = true));
    await waitFor(() => worker.isPaused(), 5000); // takes no new job...
    expect({ closed, running: worker.isRunning() }).toEqual({ closed: false, running: true });
    probe.release();
    await expect(answer).resolves.toBe('finished');
    await expect(closing).resolves.toEqual({ queue: QUEUE, clean: true, abandoned_jobs: 0 });
    await waitFor(() => !worker.isRunning(), 2000);
  });

  it('cuts off a job that outlives the drain, tells its caller, and reports the forced close', async () => {
    const worker = queues.startWorker(SHORT_DRAIN_QUEUE);
    const answer = ask('stuck', 30000, SHORT_DRAIN_QUEUE);
    await waitFor(() => probe.started, 5000);
    const report = await queues.closeWorker(worker);
    expect(report).toEqual({
      queue: SHORT_DRAIN_QUEUE,
      clean: false,
      reason: '1 job(s) still active after 200 ms',
      abandoned_jobs: 1,
    });
    await expect(answer).rejects.toThrow('worker test-short-drain closed before the job finished');
    expect((await worker.client).status).toBe('end'); // its connections are gone
    expect(events.find((e) => e.type === 'queue.worker.force_closed')).toMatchObject({
      source: 'hormiguero',
      severity: 'warning',
      payload: report,
    });
    await expect(queues.closeWorker(worker)).resolves.toMatchObject({ clean: true });
  });

  it("survives a force close in the middle of activating a job scheduler's job", async () => {
    /** Force-closes itself right when BullMQ is about to store the scheduler's next run. */
    class ClosedOnActivation extends ClosableWorker {
      protected override async nextJobFromJobData(
        jobData?: JobJsonRaw,
        id?: string,
        token?: string,
      ) {
        if (jobData) await this.close(true);
        return super.nextJobFromJobData(jobData, id, token);
      }

      get hasClosed(): boolean {
        return this.closed;
      }
    }
    const redis = booted.app.get(RedisService);
    const prefix = booted.app.get(AppConfig).queuePrefix;
    const queue = new Queue('test-scheduled', {
      connection: redis.workerConnectionOptions(),
      prefix,
    });
    const errors: Error[] = [];
    const worker = new ClosedOnActivation('test-scheduled', async () => 'ran', {
      connection: redis.workerConnectionOptions(),
      prefix,
    });
    worker.on('error', (err) => errors.push(err));
    try {
      await queue.upsertJobScheduler('every-minute', { every: 60_000 }, { name: 'tick' });
      // A plain BullMQ worker retries the write on its closed connection in a loop of
      // microtasks: no timer would ever fire again, this wait included.
      await waitFor(() => worker.hasClosed, 5000);
      await waitFor(() => errors.some((e) => /next run was stored/.test(e.message)), 5000);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
