import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Processor, Queue, Worker, WorkerOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { withTimeout } from '../util/with-timeout';
import { JobReplies } from './job-replies';
import { DEFAULT_JOB_OPTIONS, QueueName } from './queue-names';
import { RedisService } from './redis.service';

/** Listener headroom: BullMQ adds a listener per in-flight operation on a queue. */
const MAX_WAITERS = 10_000;
const READY_WAIT_MS = 2000;

/**
 * Creates and owns BullMQ queues and workers. Producers share one
 * connection. With Redis down an enqueue would wait for the reconnect, so callers check
 * RedisService.isUp() and bound their wait.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly replies = new JobReplies();
  private readonly workers = new Set<Worker>();
  private producer: Redis | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.producer ??= this.redis.createClient('producer', { maxRetriesPerRequest: 1 });
      queue = new Queue(name, {
        connection: this.producer,
        prefix: this.config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.setMaxListeners(MAX_WAITERS);
      queue.on('error', (err) => this.logger.debug(`queue ${name}: ${err.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Request/response over a queue: enqueues `data` and resolves with the worker's return
   * value, or rejects when Redis is down, the job fails, or `timeoutMs` passes. The worker is
   * one of ours (startWorker), so its result comes back in memory.
   */
  async request<T>(name: QueueName, jobName: string, data: object, timeoutMs: number): Promise<T> {
    if (!this.redis.isUp()) throw new Error('redis unreachable');
    const jobId = randomUUID();
    const reply = this.replies.expect<T>(jobId, timeoutMs);
    try {
      await withTimeout(this.queue(name).add(jobName, data, { jobId }), timeoutMs, 'enqueue');
    } catch (err) {
      this.replies.reject(jobId, err as Error);
    }
    return reply;
  }

  /** Starts a worker; the caller owns it and must pass it to closeWorker() when done. */
  startWorker(name: QueueName, processor: Processor, options: Partial<WorkerOptions> = {}): Worker {
    const worker = new Worker(name, processor, {
      connection: this.redis.workerConnectionOptions(),
      prefix: this.config.queuePrefix,
      ...options,
    });
    worker.on('error', (err) => this.logger.debug(`worker ${name}: ${err.message}`));
    worker.on('completed', (job, result) => this.replies.resolve(job.id, result));
    worker.on('failed', (job, err) => this.replies.reject(job?.id, err));
    this.workers.add(worker);
    return worker;
  }

  /** Waits for the worker's active jobs to finish, then frees its connections. */
  async closeWorker(worker: Worker): Promise<void> {
    this.workers.delete(worker);
    await this.settled(worker);
    await worker.close();
  }

  /**
   * BullMQ emits an unhandled 'error' when a connection is closed while it is still
   * initializing, so let initialization finish first (bounded; skipped while Redis is down).
   */
  private async settled(owner: { waitUntilReady(): Promise<unknown> }): Promise<void> {
    if (!this.redis.isUp()) return;
    await withTimeout(owner.waitUntilReady(), READY_WAIT_MS).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.workers].map((w) => this.closeWorker(w)));
    await Promise.allSettled(
      [...this.queues.values()].map(async (q) => (await this.settled(q), q.close())),
    );
    this.queues.clear();
    await this.redis.close();
  }
}
