import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Processor, Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus.service';
import { describeError, guarded } from '../util/guarded';
import { withTimeout } from '../util/with-timeout';
import { ActiveJobs } from './active-jobs';
import { CatalogQueue } from './catalog-queue';
import { ClosableWorker } from './closable-worker';
import { WorkerConnection } from './worker-connection';
import { FinishedJobs } from './finished-jobs';
import { JobCatalog } from './job-catalog';
import { JobHandlers } from './job-handlers';
import { JobReplies } from './job-replies';
import { dropLateConnectionErrors } from './late-connection-errors';
import { JobName, QueueName } from './queue-names';
import { RedisService } from './redis.service';

/** After the check phase of the next turn of the event loop (a setImmediate queued now runs first). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Listener headroom: BullMQ adds a listener per in-flight operation on a queue. */
const MAX_WAITERS = 10_000;
const READY_WAIT_MS = 2000;
/** Default time a closing worker's active jobs get to finish before the worker is cut off. */
export const WORKER_DRAIN_MS = 5000;
/** Pausing and force-closing touch no Redis; anything slower than this is a bug to report. */
const FORCE_CLOSE_MS = 1000;
/** A queue shares the producer connection; closing one waits on nothing else. */
const QUEUE_CLOSE_MS = 1000;

/** How a worker was closed: cleanly, or cut off with the jobs it was still running. */
export interface WorkerCloseReport {
  queue: string;
  clean: boolean;
  reason?: string;
  abandoned_jobs: number;
}

interface OwnedWorker {
  active: ActiveJobs;
  drainMs: number;
  closing?: Promise<WorkerCloseReport>;
}

/**
 * Creates and owns BullMQ queues and workers, as the job catalog describes them: a queue takes
 * only its catalogued jobs, a worker runs each job's registered handler. Producers share one
 * connection. With Redis down
 * an enqueue would wait for the reconnect, so callers check RedisService.isUp() and bound their
 * wait. Nothing here waits on Redis without a bound. In particular a worker is never closed
 * through BullMQ's graceful close(): with Redis down it waits for its blocking connection to
 * end, which never happens (ioredis emits no 'end' for a client between reconnect attempts),
 * so it hangs for good, even after Redis returns. closeWorker() drains jobs itself instead.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private readonly queues = new Map<QueueName, CatalogQueue>();
  private readonly replies = new JobReplies();
  private readonly workers = new Map<Worker, OwnedWorker>();
  private producer: Redis | undefined;
  /** Queues whose last start failed: warned about once until one of that name starts. */
  private readonly unstarted = new Set<QueueName>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly events: EventBus,
    private readonly catalog: JobCatalog,
    private readonly handlers: JobHandlers,
    private readonly finished: FinishedJobs,
  ) {
    dropLateConnectionErrors();
  }

  queue(name: QueueName): CatalogQueue {
    const known = this.queues.get(name);
    if (known) return known;
    // No auto-pipelining: measured (bench/queue.bench.js's setup) it halved the jobs/s at
    // 32 concurrent and added latency at 1 (its setImmediate flush, script checks per pipeline).
    this.producer ??= this.redis.createClient('producer', { maxRetriesPerRequest: 1 });
    const queue = new CatalogQueue(name, this.catalog, {
      connection: this.producer,
      prefix: this.config.queuePrefix,
    });
    queue.setMaxListeners(MAX_WAITERS);
    queue.on('error', (err) => this.logger.debug(`queue ${name}: ${describeError(err)}`));
    this.queues.set(name, queue);
    void queue.waitUntilReady().then(
      () => this.unstarted.delete(name),
      (err) => this.dropUnstarted(name, queue, err),
    );
    return queue;
  }

  /**
   * A queue whose connection failed to start (Redis died while it connected) fails every call
   * for good, even once Redis is back: it is closed and the next caller gets a fresh one.
   */
  private dropUnstarted(name: QueueName, queue: CatalogQueue, err: unknown): void {
    if (this.queues.get(name) !== queue) return; // already closed at shutdown
    this.queues.delete(name);
    const message = `queue ${name} could not start (${describeError(err)}); replaced on next use`;
    if (this.unstarted.has(name)) this.logger.debug(message);
    else this.logger.warn(message);
    this.unstarted.add(name);
    void this.closeQueue(queue);
  }

  /**
   * Request/response over a queue: enqueues `data` and resolves with the worker's return
   * value, or rejects when Redis is down, the job fails, or `timeoutMs` passes. The worker is
   * one of ours (startWorker), so its result comes back in memory, as soon as its handler returns.
   */
  request<T>(name: QueueName, jobName: JobName, data: object, timeoutMs: number): Promise<T> {
    if (!this.redis.isUp()) return Promise.reject(new Error('redis unreachable'));
    const jobId = randomUUID();
    const reply = this.replies.expect<T>(jobId, timeoutMs);
    // An enqueue that hangs needs no timer of its own: the reply's, over the same timeoutMs,
    // ends the wait (one timer and a few promises less per chat, bench/README.md item 32).
    const failed = (err: unknown) =>
      this.replies.reject(jobId, err instanceof Error ? err : new Error(describeError(err)));
    try {
      this.queue(name).add(jobName, data, { jobId }).then(undefined, failed);
    } catch (err) {
      failed(err);
    }
    return reply;
  }

  /**
   * Starts a worker with the catalog's options that runs each job's registered handler; the
   * caller owns it and must pass it to closeWorker() when done. Whatever a handler throws
   * fails that job only, and no listener can throw into BullMQ.
   */
  startWorker(name: QueueName): Worker {
    const spec = this.catalog.queue(name);
    const active = new ActiveJobs();
    const worker = new ClosableWorker(
      name,
      this.guard(name, this.handlers.processor(name), active),
      {
        connection: this.redis.workerConnectionOptions(),
        prefix: this.config.queuePrefix,
        concurrency: this.catalog.concurrency(name, this.config),
        ...(spec.lockDurationMs ? { lockDuration: spec.lockDurationMs } : {}),
      },
      WorkerConnection,
    );
    const listen = { logger: this.logger };
    worker.on(
      'error',
      guarded(
        `worker ${name} error listener`,
        (err: Error) => this.logger.debug(`worker ${name}: ${describeError(err)}`),
        listen,
      ),
    );
    worker.on(
      'completed',
      guarded(
        `worker ${name} completed listener`,
        (job: Job, result: unknown) => {
          active.finish(job.id);
          this.finished.count(name, 'completed');
          this.replies.resolve(job.id, result);
        },
        listen,
      ),
    );
    worker.on(
      'failed',
      guarded(
        `worker ${name} failed listener`,
        (job: Job | undefined, err: Error) => {
          active.finish(job?.id);
          this.finished.count(name, 'failed');
          this.replies.reject(job?.id, err);
        },
        listen,
      ),
    );
    this.workers.set(worker, { active, drainMs: spec.drainMs ?? WORKER_DRAIN_MS });
    return worker;
  }

  /**
   * Stops the worker taking jobs, lets its active jobs finish (for at most its drain time, and
   * not at all while Redis is down, since their results could not be stored), then closes its
   * connections without waiting on Redis. A worker that could not close cleanly is reported.
   * Idempotent; always settles within drain + a few seconds.
   */
  closeWorker(worker: Worker): Promise<WorkerCloseReport> {
    const owned = this.workers.get(worker);
    if (!owned) {
      return Promise.resolve({ queue: worker.name, clean: true, abandoned_jobs: 0 });
    }
    owned.closing ??= this.close(worker, owned).finally(() => this.workers.delete(worker));
    return owned.closing;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.workers.keys()].map((w) => this.closeWorker(w)));
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((q) => this.closeQueue(q)));
    this.producer = undefined;
    await this.redis.close();
  }

  private guard(name: QueueName, processor: Processor, active: ActiveJobs): Processor {
    return async (job, token, signal) => {
      active.start(job.id);
      try {
        const result = await processor(job, token, signal);
        // The caller waiting in request() has its answer now; BullMQ records the job as
        // completed in Redis (a round trip the caller need not wait for) only a turn later, so
        // that its JavaScript and write run after the caller's reply rather than before it.
        if (this.replies.resolve(job.id, result)) await nextTurn();
        return result;
      } catch (err) {
        // BullMQ stores err.message and err.stack: give it an Error whatever was thrown.
        throw err instanceof Error ? err : new Error(`${name} job: ${describeError(err)}`);
      }
    };
  }

  private async close(worker: Worker, { active, drainMs }: OwnedWorker) {
    let reason: string | undefined;
    if (this.redis.isUp()) {
      await this.settled(worker);
      await withTimeout(worker.pause(true), FORCE_CLOSE_MS, 'pause').catch(() => undefined);
      reason = await this.drain(active, drainMs);
    } else {
      reason = 'redis unreachable';
    }
    // close(true) skips BullMQ's wait for active jobs (done above) and drops the connections
    // instead of sending QUIT, so it needs no answer from Redis.
    try {
      await withTimeout(worker.close(true), FORCE_CLOSE_MS, 'force close');
    } catch (err) {
      reason = [reason, describeError(err)].filter(Boolean).join('; ');
    }
    const report: WorkerCloseReport = {
      queue: worker.name,
      clean: reason === undefined,
      ...(reason ? { reason } : {}),
      abandoned_jobs: active.size,
    };
    if (!report.clean) this.reportForced(report, active);
    return report;
  }

  /** Waits for the active jobs; returns why it stopped waiting early, if it did. */
  private async drain(active: ActiveJobs, drainMs: number): Promise<string | undefined> {
    let stopWatching = () => undefined as unknown;
    const redisLost = new Promise<string>((resolve) => {
      stopWatching = this.redis.onceDown(() => resolve('redis unreachable while draining'));
    });
    try {
      return await Promise.race([
        active
          .idle(drainMs)
          .then((idle) =>
            idle ? undefined : `${active.size} job(s) still active after ${drainMs} ms`,
          ),
        redisLost,
      ]);
    } finally {
      stopWatching();
    }
  }

  private reportForced(report: WorkerCloseReport, active: ActiveJobs): void {
    for (const jobId of active.ids()) {
      this.replies.reject(
        jobId,
        new Error(`worker ${report.queue} closed before the job finished`),
      );
    }
    this.logger.warn(
      `worker ${report.queue} force-closed (${report.reason}); ${report.abandoned_jobs} active job(s) abandoned`,
    );
    const owner = this.catalog.queue(report.queue).owner;
    this.events.emit('queue.worker.force_closed', owner, { ...report }, 'warning');
  }

  private async closeQueue(queue: Queue): Promise<void> {
    await this.settled(queue);
    await withTimeout(queue.close(), QUEUE_CLOSE_MS, `closing queue ${queue.name}`).catch((err) =>
      this.logger.warn(describeError(err)),
    );
  }

  /**
   * BullMQ emits an 'error' when a connection is closed while it is still initializing, so let
   * initialization finish first (bounded; skipped while Redis is down).
   */
  private async settled(owner: { waitUntilReady(): Promise<unknown> }): Promise<void> {
    if (!this.redis.isUp()) return;
    await withTimeout(owner.waitUntilReady(), READY_WAIT_MS).catch(() => undefined);
  }
}
