import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from '../../../core/config/app-config';
import { JobHandlers } from '../../../core/queue/job-handlers';
import { JobName, QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { describeError, guarded } from '../../../core/util/guarded';
import { withTimeout } from '../../../core/util/with-timeout';
import { HealthMonitor } from './health-monitor.service';

export const HEALTH_SCHEDULER_ID = 'health-monitor';
const REDIS_OP_TIMEOUT_MS = 2000;

/**
 * Drives the health monitor: a BullMQ job scheduler on the health queue (a repeatable job every
 * interval) and a local watchdog timer. The watchdog runs the cycle itself whenever Redis is
 * down or the queue has not delivered a cycle for two intervals, so monitoring never stops.
 */
@Injectable()
export class HealthSchedule implements OnModuleInit {
  private readonly logger = new Logger('HealthSchedule');
  private worker: Worker | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly monitor: HealthMonitor,
    private readonly jobHandlers: JobHandlers,
  ) {}

  onModuleInit(): void {
    this.jobHandlers.register(QueueName.Health, JobName.HealthCycle, () => this.scheduledCycle());
  }

  get intervalMs(): number {
    return Math.round(this.config.health.intervalSec * 1000);
  }

  /** Both halves are up: the health-queue worker and the watchdog timer. */
  get running(): boolean {
    return this.watchdog !== undefined && (this.worker?.isRunning() ?? false);
  }

  start(): void {
    this.worker ??= this.queues.startWorker(QueueName.Health);
    if (!this.watchdog) {
      this.watchdog = setInterval(
        guarded('health watchdog', () => this.tick(), { logger: this.logger }),
        this.intervalMs,
      );
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

  private async scheduledCycle() {
    const report = await this.monitor.runCycle('scheduled');
    return { passed: report.passed, failing: report.failing, total: report.total };
  }

  private async tick(): Promise<void> {
    const quietFor = Date.now() - this.monitor.lastStartedAt;
    if (this.redis.isUp() && quietFor < 2 * this.intervalMs) return; // the queue is delivering
    if (this.redis.isUp()) void this.arm(); // e.g. Redis lost its data: schedule again
    await this.monitor.runCycle('local');
  }

  /** Upserts the repeatable job; idempotent, so it is safe to call again after an outage. */
  private async arm(): Promise<void> {
    if (!this.redis.isUp()) return;
    try {
      await withTimeout(
        this.queues
          .queue(QueueName.Health)
          .upsertJobScheduler(
            HEALTH_SCHEDULER_ID,
            { every: this.intervalMs },
            { name: JobName.HealthCycle },
          ),
        REDIS_OP_TIMEOUT_MS,
        'health scheduler',
      );
    } catch (err) {
      this.logger.warn(`health job scheduler not set (${describeError(err)}); timer runs it`);
    }
  }
}
