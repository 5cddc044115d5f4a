import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Processor, Queue, QueueEvents, Worker, WorkerOptions } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { withTimeout } from '../util/with-timeout';
import { DEFAULT_JOB_OPTIONS, QueueName } from './queue-names';
import { RedisService } from './redis.service';

/** Many concurrent callers wait on one QueueEvents per queue (waitUntilFinished). */
const MAX_WAITERS = 10_000;
const READY_WAIT_MS = 2000;

/**
 * Creates and owns BullMQ queues, queue-event listeners and workers. Producers share one
 * connection. With Redis down an enqueue would wait for the reconnect, so callers check
 * RedisService.isUp() and bound their wait.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly events = new Map<QueueName, QueueEvents>();
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
      queue.setMaxListeners(MAX_WAITERS); // each waitUntilFinished listens for 'closing'
      queue.on('error', (err) => this.logger.debug(`queue ${name}: ${err.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  queueEvents(name: QueueName): QueueEvents {
    let events = this.events.get(name);
    if (!events) {
      events = new QueueEvents(name, {
        connection: this.redis.workerConnectionOptions(),
        prefix: this.config.queuePrefix,
      });
      events.setMaxListeners(MAX_WAITERS);
      events.on('error', (err) => this.logger.debug(`queue events ${name}: ${err.message}`));
      this.events.set(name, events);
    }
    return events;
  }

  /**
   * Request/response over a queue: enqueues `data` and resolves with the worker's return
   * value, or rejects when Redis is down, the job fails, or `timeoutMs` passes.
   */
  async request<T>(name: QueueName, jobName: string, data: object, timeoutMs: number): Promise<T> {
    if (!this.redis.isUp()) throw new Error('redis unreachable');
    const events = this.queueEvents(name);
    // Listen before adding, or a fast worker's completion could be missed.
    await withTimeout(events.waitUntilReady(), timeoutMs, 'queue events');
    const job = await withTimeout(this.queue(name).add(jobName, data), timeoutMs, 'enqueue');
    return (await job.waitUntilFinished(events, timeoutMs)) as T;
  }

  /** Starts a worker; the caller owns it and must pass it to closeWorker() when done. */
  startWorker(name: QueueName, processor: Processor, options: Partial<WorkerOptions> = {}): Worker {
    const worker = new Worker(name, processor, {
      connection: this.redis.workerConnectionOptions(),
      prefix: this.config.queuePrefix,
      ...options,
    });
    worker.on('error', (err) => this.logger.debug(`worker ${name}: ${err.message}`));
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
      [...this.events.values()].map(async (e) => (await this.settled(e), e.close())),
    );
    await Promise.allSettled(
      [...this.queues.values()].map(async (q) => (await this.settled(q), q.close())),
    );
    this.events.clear();
    this.queues.clear();
    await this.redis.close();
  }
}
