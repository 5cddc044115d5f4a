'use strict';

/**
 * Queue floor: the cheapest request/response over BullMQ on this machine, as a baseline for
 * the chat bench (whose every chat crosses the switch queue). One process adds a job and a
 * worker in the same process answers it at once, with the settings VX11's chat queues use:
 * a random job id, attempts 1, an answered job deleted at once (the last 1,000 failed ones
 * kept), worker concurrency 32, the worker's connection class (core/queue/worker-connection.ts,
 * from the build: its move-to-active does not re-arm the wake-up marker), and
 * the result handed to the waiting caller in memory when the handler returns (as
 * core/queue/queue.service.ts does). No HTTP, no SQLite, no provider: only BullMQ and Redis.
 *
 *   - concurrency 1: 200 × BENCH_SECONDS requests one after the other; p50/p99 round trip.
 *   - concurrency 32: 32 loops for BENCH_SECONDS; requests/s, this process's CPU per job and
 *     Redis's own CPU per job (INFO cpu before and after), since Redis shares the cores.
 *
 * Redis at 127.0.0.1:6379; the run's keys (a prefix of its own) are deleted at the end. Ends
 * with one JSON line: {"bench":"queue","floor_p50_ms_c1",…,"floor_rps_c32",…}. No goals: these
 * figures say how much of the chat bench's added latency and CPU the queue alone takes here.
 */

const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { Queue, Worker } = require('bullmq');
const Redis = require('ioredis');
const { join } = require('node:path');
const { DIST, HOST, say, ensureBuilt } = require('./support/child-server');
const { percentile, round } = require('./support/measure');
const { ROUNDS, SECONDS, inRounds, figureLine } = require('./support/rounds');
const { dropQueueKeys, redisCpuSeconds } = require('./support/redis-keys');

const CONCURRENCY = 32;
const SEQ_REQUESTS = Math.round(200 * SECONDS);
const JOB = { messages: [{ role: 'user', content: 'hello' }], deadline: 0, timeout_ms: 60_000 };
const JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: true, // as core/queue/job-catalog.ts's chat jobs
  removeOnFail: { count: 1000 },
};

let interrupted = false;

async function main() {
  ensureBuilt();
  const { WorkerConnection } = require(join(DIST, 'src', 'core', 'queue', 'worker-connection'));
  const prefix = `bench-queue-${process.pid}`;
  const connection = { host: HOST, port: 6379, maxRetriesPerRequest: null };
  const producer = new Redis({ ...connection, maxRetriesPerRequest: 1 });
  const queue = new Queue('floor', { connection: producer, prefix });
  const waiting = new Map();
  const worker = new Worker(
    'floor',
    async (job) => {
      const result = { content: 'Hello from the floor.', tokens_used: 12 };
      waiting.get(job.id)?.(result);
      waiting.delete(job.id);
      return result;
    },
    { connection, prefix, concurrency: CONCURRENCY },
    WorkerConnection,
  );
  worker.on('error', () => undefined);
  const request = () =>
    new Promise((resolve, reject) => {
      const jobId = randomUUID();
      waiting.set(jobId, resolve);
      queue.add('chat', JOB, { ...JOB_OPTIONS, jobId }).catch(reject);
    });
  try {
    await worker.waitUntilReady();
    say(
      `queue bench: BullMQ request/response in one process, worker concurrency ${CONCURRENCY}` +
        ` (node ${process.version}, Redis ${HOST}:6379)`,
    );
    for (let i = 0; i < SEQ_REQUESTS / 10; i += 1) await request(); // warm-up
    const { figures, busy } = await inRounds(
      'queue',
      async () => {
        const times = [];
        for (let i = 0; i < SEQ_REQUESTS && !interrupted; i += 1) {
          const started = performance.now();
          await request();
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 50);
        const p99 = percentile(times, 99);
        say(
          `  concurrency 1: n ${times.length}  p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms`,
        );

        const redisBefore = await redisCpuSeconds();
        const cpuBefore = process.cpuUsage();
        const until = performance.now() + SECONDS * 1000;
        let done = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (performance.now() < until && !interrupted) {
              await request();
              done += 1;
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const redisAfter = await redisCpuSeconds();
        const rps = done / seconds;
        const nodeUs = (cpu.user + cpu.system) / done;
        const redisUs =
          redisBefore === null || redisAfter === null
            ? null
            : ((redisAfter - redisBefore) * 1e6) / done;
        say(
          `  concurrency ${CONCURRENCY}: ${Math.round(rps)} jobs/s  node CPU ${nodeUs.toFixed(0)} µs` +
            ` per job  Redis CPU ${redisUs === null ? 'n/a' : redisUs.toFixed(0)} µs per job`,
        );
        return {
          floor_p50_ms_c1: p50,
          floor_p99_ms_c1: p99,
          floor_rps_c32: rps,
          floor_node_cpu_us: nodeUs,
          floor_redis_cpu_us: redisUs,
        };
      },
      () => interrupted,
    );
    const m = (key) => figures[key].median;
    const digits = {
      floor_p50_ms_c1: 3,
      floor_p99_ms_c1: 3,
      floor_rps_c32: 0,
      floor_node_cpu_us: 0,
      floor_redis_cpu_us: 0,
    };
    for (const [key, d] of Object.entries(digits)) {
      figureLine('queue', key, m(key), undefined, figures[key].rounds, d);
    }
    const medians = Object.entries(digits).map(([key, d]) => [key, round(m(key), d)]);
    say(JSON.stringify({ bench: 'queue', ...Object.fromEntries(medians), rounds: ROUNDS, busy }));
    return 0;
  } finally {
    await worker.close(true).catch(() => undefined);
    await queue.close().catch(() => undefined);
    producer.disconnect();
    await dropQueueKeys(prefix);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (interrupted = true));

main().then(
  (code) => process.exit(code),
  (err) => {
    say(`queue bench failed: ${err.stack || err.message}`);
    process.exit(1);
  },
);
