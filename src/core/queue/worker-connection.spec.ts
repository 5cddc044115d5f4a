import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Queue, RedisConnection, Worker } from 'bullmq';
import { ensureRedis } from '../../../test/support/redis-harness';
import { waitFor } from '../../../test/support/wait-for';
import { WORKER_SCRIPTS, WorkerConnection, withoutActiveMarker } from './worker-connection';

const bullmqScripts = require('bullmq/dist/cjs/scripts') as Record<string, { content: string }>;

describe('WORKER_SCRIPTS', () => {
  it("changes one line of BullMQ's scripts that move a job to active, and no other script", () => {
    const changed = Object.keys(bullmqScripts).filter(
      (key) => WORKER_SCRIPTS[key].content !== bullmqScripts[key].content,
    );
    // If a BullMQ upgrade moves or renames the line, this fails: look at worker-connection.ts.
    expect(changed.sort()).toEqual(['moveToActive', 'moveToDelayed', 'moveToFinished']);
    for (const key of changed) {
      const before = bullmqScripts[key].content.split('\n');
      const after = WORKER_SCRIPTS[key].content.split('\n');
      expect(after).toHaveLength(before.length);
      const differ = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
      expect(differ).toEqual([
        ['  addBaseMarkerIfNeeded(markerKey, false)', expect.stringMatching(/^ {2}-- VX11: /)],
      ]);
    }
  });

  it('leaves a script without the function alone, and a marker outside it too', () => {
    expect(withoutActiveMarker('return 1\n')).toBeUndefined();
    const outside =
      'local function prepareJobForProcessing(a)\n  return a\nend\n' +
      '  addBaseMarkerIfNeeded(markerKey, false)\n';
    expect(withoutActiveMarker(outside)).toBeUndefined();
  });
});

describe('a worker on WorkerConnection (real Redis)', () => {
  let url: string;
  let child: ChildProcess | undefined;
  const prefix = `vx11-wc-${process.pid}-${randomBytes(3).toString('hex')}`;
  const queues: Queue[] = [];
  const workers: Worker[] = [];

  beforeAll(async () => {
    ({ url, child } = await ensureRedis());
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    for (const queue of queues) await queue.obliterate({ force: true }).catch(() => undefined);
    await Promise.all(queues.map((q) => q.close()));
    child?.kill();
  });

  /** A queue and a worker (not yet running) whose blocking pops are counted. */
  async function setUp(
    name: string,
    concurrency: number,
    Connection: typeof RedisConnection,
    work: () => Promise<void> = async () => undefined,
  ) {
    const connection = { url, maxRetriesPerRequest: null };
    const queue = new Queue(name, { connection, prefix });
    queues.push(queue);
    const worker = new Worker(
      name,
      work,
      {
        connection,
        prefix,
        concurrency,
        autorun: false,
      },
      Connection,
    );
    workers.push(worker);
    const completed: string[] = [];
    worker.on('completed', (job) => completed.push(String(job.id)));
    const blocking = await (worker as unknown as { blockingConnection: RedisConnection })
      .blockingConnection.client;
    const pops = { count: 0 };
    const bzpopmin = blocking.bzpopmin.bind(blocking);
    blocking.bzpopmin = ((...args: Parameters<typeof bzpopmin>) => {
      pops.count += 1;
      return bzpopmin(...args);
    }) as typeof blocking.bzpopmin;
    void worker.run();
    await worker.waitUntilReady();
    return { queue, worker, completed, pops };
  }

  /** Adds `jobs` jobs one at a time, each once the one before it has completed. */
  async function oneAtATime(name: string, Connection: typeof RedisConnection, jobs: number) {
    const { queue, completed, pops } = await setUp(name, 8, Connection);
    await waitFor(() => pops.count === 1, 10_000, 5);
    for (let i = 0; i < jobs; i += 1) {
      await queue.add('job', { i });
      await waitFor(() => completed.length === i + 1, 10_000, 5);
    }
    // Let any wake-up the last job left armed happen before counting.
    await waitFor(() => pops.count >= jobs + 1, 10_000, 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return pops.count;
  }

  it('wakes once per job that arrives, where BullMQ’s own scripts wake it twice', async () => {
    const jobs = 20;
    const ours = await oneAtATime('one-at-a-time', WorkerConnection, jobs);
    const bullmqs = await oneAtATime('one-at-a-time-bullmq', RedisConnection, jobs);
    expect(ours).toBeLessThanOrEqual(jobs + 2);
    expect(bullmqs).toBeGreaterThanOrEqual(jobs * 2 - 2);
  });

  it('takes every job of a burst larger than its concurrency, and wakes for the next one', async () => {
    const { queue, completed } = await setUp('burst', 4, WorkerConnection, async () => {
      await new Promise((resolve) => setImmediate(resolve));
    });
    await queue.addBulk(Array.from({ length: 300 }, (_, i) => ({ name: 'job', data: { i } })));
    await waitFor(() => completed.length === 300, 10_000, 5);
    // Nothing is left waiting or active: no job was stranded without a wake-up.
    expect(await queue.getJobCounts('wait', 'active', 'prioritized')).toEqual({
      wait: 0,
      active: 0,
      prioritized: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is blocked again
    await queue.add('job', { i: 300 });
    await waitFor(() => completed.length === 301, 10_000, 5);
  });

  it('takes jobs added while all its slots are busy', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const { queue, completed } = await setUp('busy', 2, WorkerConnection, () => {
      started += 1;
      return held;
    });
    await queue.addBulk(Array.from({ length: 2 }, (_, i) => ({ name: 'job', data: { i } })));
    await waitFor(() => started === 2, 10_000, 5);
    await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'job', data: { i } })));
    release();
    await waitFor(() => completed.length === 7, 10_000, 5);
  });
});
