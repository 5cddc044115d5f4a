import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../../core/config/app-config';
import { JobHandlers } from '../../../core/queue/job-handlers';
import { JobName, QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { describeError, guarded } from '../../../core/util/guarded';
import { withTimeout } from '../../../core/util/with-timeout';
import { MaintenanceService } from './maintenance.service';
import { dailyCronPattern, nextDailyRun } from './nightly-time';

export const NIGHTLY_SCHEDULER_ID = 'maintenance-nightly';
const REDIS_OP_TIMEOUT_MS = 2000;
/** The local timer fires this long after the queue's job, and only acts if that one did not. */
const LOCAL_GRACE_MS = 60_000;

/**
 * Madre's maintenance worker (one run at a time) and the nightly schedule: a BullMQ job
 * scheduler in UTC, backed by a local timer that runs it in-process if the queue did not.
 */
@Injectable()
export class MaintenanceScheduler implements OnModuleInit {
  private readonly logger = new Logger('MaintenanceSchedule');
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly maintenance: MaintenanceService,
    private readonly jobHandlers: JobHandlers,
  ) {}

  onModuleInit(): void {
    this.jobHandlers.register(
      QueueName.Maintenance,
      JobName.MaintenanceRun,
      (job: Job<{ run_id: string }>) => this.requestedRun(job.data.run_id),
    );
    this.jobHandlers.register(QueueName.Maintenance, JobName.MaintenanceNightly, () =>
      this.nightlyRun(),
    );
  }

  get workerRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  start(): void {
    this.worker ??= this.queues.startWorker(QueueName.Maintenance);
    void this.syncQueueSchedule();
    this.armLocalTimer();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await this.queues.closeWorker(worker);
    await this.maintenance.idle(); // an in-process run (Redis down) may still be going
  }

  private async requestedRun(runId: string) {
    const run = await this.maintenance.execute(runId);
    return { status: run?.status ?? 'unknown', returncode: run?.returncode ?? null };
  }

  private async nightlyRun() {
    const run = await this.maintenance.runScheduled();
    return { status: run?.status ?? 'skipped', returncode: run?.returncode ?? null };
  }

  /** Upserts (or, when "off", removes) the nightly job scheduler. */
  private async syncQueueSchedule(): Promise<void> {
    if (!this.redis.isUp()) return;
    const at = this.config.maintenance.nightlyAtUtc;
    try {
      const queue = this.queues.queue(QueueName.Maintenance);
      if (at === 'off') {
        await withTimeout(queue.removeJobScheduler(NIGHTLY_SCHEDULER_ID), REDIS_OP_TIMEOUT_MS);
        return;
      }
      await withTimeout(
        queue.upsertJobScheduler(
          NIGHTLY_SCHEDULER_ID,
          { pattern: dailyCronPattern(at), tz: 'UTC' },
          { name: JobName.MaintenanceNightly },
        ),
        REDIS_OP_TIMEOUT_MS,
        'nightly scheduler',
      );
    } catch (err) {
      this.logger.warn(`nightly job scheduler not set (${describeError(err)}); timer only`);
    }
  }

  private armLocalTimer(): void {
    const at = this.config.maintenance.nightlyAtUtc;
    if (at === 'off') return;
    const delay = nextDailyRun(at, new Date()).getTime() - Date.now() + LOCAL_GRACE_MS;
    this.timer = setTimeout(
      guarded(
        'nightly maintenance run',
        async () => {
          try {
            await this.maintenance.runScheduled();
          } finally {
            if (this.timer) this.armLocalTimer(); // unless stop() came meanwhile
          }
        },
        { logger: this.logger },
      ),
      delay,
    );
    this.timer.unref();
  }
}
