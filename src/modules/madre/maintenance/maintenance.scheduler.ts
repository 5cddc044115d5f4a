import { Injectable, Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../../core/config/app-config';
import { QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { withTimeout } from '../../../core/util/with-timeout';
import { MAINTENANCE_RUN_JOB, MaintenanceService } from './maintenance.service';
import { dailyCronPattern, nextDailyRun } from './nightly-time';

export const NIGHTLY_JOB = 'maintenance-nightly';
export const NIGHTLY_SCHEDULER_ID = 'maintenance-nightly';
const REDIS_OP_TIMEOUT_MS = 2000;
/** The local timer fires this long after the queue's job, and only acts if that one did not. */
const LOCAL_GRACE_MS = 60_000;
/** A maintenance run may hold the event loop in long PRAGMA checks; keep the job's lock. */
const JOB_LOCK_MS = 10 * 60_000;

/**
 * Madre's maintenance worker (one run at a time) and the nightly schedule: a BullMQ job
 * scheduler in UTC, backed by a local timer that runs it in-process if the queue did not.
 */
@Injectable()
export class MaintenanceScheduler {
  private readonly logger = new Logger('MaintenanceSchedule');
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly maintenance: MaintenanceService,
  ) {}

  get workerRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  start(): void {
    this.worker ??= this.queues.startWorker(QueueName.Maintenance, (job) => this.process(job), {
      concurrency: 1,
      lockDuration: JOB_LOCK_MS,
    });
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

  private async process(job: Job<{ run_id?: string }>) {
    if (job.name === MAINTENANCE_RUN_JOB && job.data.run_id) {
      const run = await this.maintenance.execute(job.data.run_id);
      return { status: run?.status ?? 'unknown', returncode: run?.returncode ?? null };
    }
    if (job.name === NIGHTLY_JOB) {
      const run = await this.maintenance.runScheduled();
      return { status: run?.status ?? 'skipped', returncode: run?.returncode ?? null };
    }
    throw new Error(`unknown maintenance job ${job.name}`); // fails, never retried
  }

  /** Upserts (or, when "off", removes) the nightly job scheduler. */
  private async syncQueueSchedule(): Promise<void> {
    if (!this.redis.isUp()) return;
    const at = this.config.maintenance.nightlyAtUtc;
    const queue = this.queues.queue(QueueName.Maintenance);
    try {
      if (at === 'off') {
        await withTimeout(queue.removeJobScheduler(NIGHTLY_SCHEDULER_ID), REDIS_OP_TIMEOUT_MS);
        return;
      }
      await withTimeout(
        queue.upsertJobScheduler(
          NIGHTLY_SCHEDULER_ID,
          { pattern: dailyCronPattern(at), tz: 'UTC' },
          {
            name: NIGHTLY_JOB,
            opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
          },
        ),
        REDIS_OP_TIMEOUT_MS,
        'nightly scheduler',
      );
    } catch (err) {
      this.logger.warn(`nightly job scheduler not set (${(err as Error).message}); timer only`);
    }
  }

  private armLocalTimer(): void {
    const at = this.config.maintenance.nightlyAtUtc;
    if (at === 'off') return;
    const delay = nextDailyRun(at, new Date()).getTime() - Date.now() + LOCAL_GRACE_MS;
    this.timer = setTimeout(() => {
      this.maintenance
        .runScheduled()
        .catch((err: Error) => this.logger.error(`nightly run failed: ${err.message}`))
        .finally(() => {
          if (this.timer) this.armLocalTimer();
        });
    }, delay);
    this.timer.unref();
  }
}
