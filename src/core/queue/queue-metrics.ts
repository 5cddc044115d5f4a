import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { describeError } from '../util/guarded';
import { withTimeout } from '../util/with-timeout';
import { JobCatalog } from './job-catalog';
import { QueueName } from './queue-names';
import { QueueService } from './queue.service';
import { RedisService } from './redis.service';

type QueueCounts = Array<[string, Record<string, number>]>;

/** The BullMQ job states reported per queue. */
export const QUEUE_JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'paused',
  'failed',
  'completed',
] as const;

/** A scrape never waits on Redis longer than this for all the counts together. */
export const QUEUE_COUNTS_TIMEOUT_MS = 1000;

/**
 * Jobs per queue and state (`vx11_queue_jobs{queue,state}`), read from BullMQ at scrape time.
 * The read is bounded; with Redis down, or when it times out, the series are dropped (a stale
 * count must not keep an alert firing or hide one) and `vx11_queue_counts_ok` says 0. Nothing
 * here throws into the scrape. Queues come from the job catalog, so a module's new queue is
 * counted without this file knowing it.
 */
@Injectable()
export class QueueMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueMetrics');
  private stopped = false;

  constructor(
    metrics: MetricsService,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly catalog: JobCatalog,
  ) {
    // Both gauges are collected concurrently by one scrape: they share one read of Redis.
    let pending: Promise<QueueCounts | undefined> | undefined;
    const read = () => {
      pending ??= this.counts().finally(() => (pending = undefined));
      return pending;
    };
    new Gauge({
      name: 'vx11_queue_jobs',
      help: 'BullMQ jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
      async collect() {
        const counts = await read();
        this.reset();
        for (const [queue, byState] of counts ?? []) {
          for (const state of QUEUE_JOB_STATES) this.set({ queue, state }, byState[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: 'vx11_queue_counts_ok',
      help: 'Whether the last scrape could read the queue job counts from Redis (1) or not (0)',
      registers: [metrics.registry],
      async collect() {
        this.set((await read()) ? 1 : 0);
      },
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** Counts per queue, or undefined when Redis cannot answer in time. Never rejects. */
  private async counts(): Promise<QueueCounts | undefined> {
    if (this.stopped || !this.redis.isUp()) return undefined;
    const names = this.catalog.queues() as QueueName[];
    try {
      return await withTimeout(
        Promise.all(
          names.map(
            async (name) =>
              [name, await this.queues.queue(name).getJobCounts(...QUEUE_JOB_STATES)] as [
                string,
                Record<string, number>,
              ],
          ),
        ),
        QUEUE_COUNTS_TIMEOUT_MS,
        'queue job counts',
      );
    } catch (err) {
      this.logger.debug(`queue job counts not read: ${describeError(err)}`);
      return undefined;
    }
  }
}
