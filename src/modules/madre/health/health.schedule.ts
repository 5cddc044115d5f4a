import { Injectable, Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../../core/config/app-config';
import { QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { withTimeout } from '../../../core/util/with-timeout';
import { HealthMonitor } from './health-monitor.service';

export const HEALTH_CYCLE_JOB = 'health-cycle';
export const HEALTH_SCHEDULER_ID = 'health-monitor';
const REDIS_OP_TIMEOUT_MS = 2000;

/**
 * Drives the health monitor: a BullMQ job scheduler on the health queue (a repeatable job every
 * interval) and a local watchdog timer. The watchdog runs the cycle itself whenever Redis is
 * down or the queue has not delivered a cycle for two intervals, so monitoring never stops.
 */
@Injectable()
export class HealthSchedule {
  private readonly logger = new Logger('HealthSchedule');
  private worker: Worker | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly monitor: HealthMonitor,
  ) {}

  get intervalMs(): number {
    return Math.round(this.config.health.intervalSec * 1000);
  }

  /** Both halves are up: the health-queue worker and the watchdog timer. */
  get running(): boolean {
    return this.watchdog !== undefined && (this.worker?.isRunning() ?? false);
  }

  start(): void {
    this.worker ??= this.queues.startWorker(QueueName.Health, (job) => this.process(job), {
      concurrency: 1,
    });
    if (!this.watchdog) {
      this.watchdog = setInterval(() => this.tick(), this.intervalMs);
      this.watchdog.unref();
    }
    void this.arm();
  }

  async stop(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (this.redis.isUp()) {
      await withTimeout(
        this.queues.queue(QueueName.Health).removeJobScheduler(HEALTH_SCHEDULER_ID),
        REDIS_OP_TIMEOUT_MS,
      ).catch(() => undefined);
    }
    if (worker) await this.queues.closeWorker(worker);
    await this.monitor.idle(); // a watchdog or manual cycle may still be writing
  }

  private async process(job: Job) {
    if (job.name !== HEALTH_CYCLE_JOB) throw new Error(`unknown health job ${job.name}`);
    const report = await this.monitor.runCycle('scheduled');
    return { passed: report.passed, failing: report.failing, total: report.total };
  }

  private tick(): void {
    const quietFor = Date.now() - this.monitor.lastStartedAt;
    if (this.redis.isUp() && quietFor < 2 * this.intervalMs) return; // the queue is delivering
    if (this.redis.isUp()) void this.arm(); // e.g. Redis lost its data: schedule again
    this.monitor
      .runCycle('local')
      .catch((err: Error) => this.logger.error(`health cycle failed: ${err.message}`));
  }

  /** Upserts the repeatable job; idempotent, so it is safe to call again after an outage. */
  private async arm(): Promise<void> {
    if (!this.redis.isUp()) return;
    try {
      await withTimeout(
        this.queues.queue(QueueName.Health).upsertJobScheduler(
          HEALTH_SCHEDULER_ID,
          { every: this.intervalMs },
          {
            name: HEALTH_CYCLE_JOB,
            opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 50 } },
          },
        ),
        REDIS_OP_TIMEOUT_MS,
        'health scheduler',
      );
    } catch (err) {
      this.logger.warn(`health job scheduler not set (${(err as Error).message}); timer runs it`);
    }
  }
}
