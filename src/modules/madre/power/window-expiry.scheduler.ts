import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobHandlers } from '../../../core/queue/job-handlers';
import { JobName, QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { describeError, guarded } from '../../../core/util/guarded';
import { withTimeout } from '../../../core/util/with-timeout';

const ENQUEUE_TIMEOUT_MS = 1000;

type ExpireHandler = (windowId: string) => Promise<void>;

const jobIdFor = (windowId: string) => `${JobName.WindowExpire}-${windowId}`;

/**
 * Arms each window's deadline twice: a local timer (works with Redis down, fires on time) and
 * a delayed BullMQ job on the power queue (survives a busy event loop). Closing is idempotent,
 * so whichever fires second does nothing.
 */
@Injectable()
export class WindowExpiryScheduler implements OnModuleInit {
  private readonly logger = new Logger('WindowExpiry');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private handler: ExpireHandler | undefined;

  constructor(
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly jobHandlers: JobHandlers,
  ) {}

  /** The power queue's expiry jobs fire here (madre's lifecycle runs the worker). */
  onModuleInit(): void {
    this.jobHandlers.register(
      QueueName.Power,
      JobName.WindowExpire,
      (job: Job<{ window_id: string }>) => this.fire(job.data.window_id),
    );
  }

  onExpire(handler: ExpireHandler): void {
    this.handler = handler;
  }

  schedule(windowId: string, deadlineMs: number): void {
    this.clearTimer(windowId);
    const delay = Math.max(0, deadlineMs - Date.now());
    this.timers.set(
      windowId,
      setTimeout(
        guarded(
          `expiry timer of window ${windowId}`,
          () => {
            this.timers.delete(windowId);
            return this.fire(windowId);
          },
          { logger: this.logger },
        ),
        delay,
      ),
    );
    if (!this.redis.isUp()) return;
    withTimeout(
      this.queues
        .queue(QueueName.Power)
        .add(JobName.WindowExpire, { window_id: windowId }, { jobId: jobIdFor(windowId), delay }),
      ENQUEUE_TIMEOUT_MS,
    ).catch((err: unknown) =>
      this.logger.warn(
        `expiry job for ${windowId} not queued (${describeError(err)}); local timer stands`,
      ),
    );
  }

  cancel(windowId: string): void {
    this.clearTimer(windowId);
    if (!this.redis.isUp()) return;
    withTimeout(
      this.queues.queue(QueueName.Power).remove(jobIdFor(windowId)),
      ENQUEUE_TIMEOUT_MS,
    ).catch(() => undefined);
  }

  cancelAll(): void {
    for (const id of [...this.timers.keys()]) this.clearTimer(id);
  }

  private async fire(windowId: string): Promise<void> {
    try {
      await this.handler?.(windowId);
    } catch (err) {
      this.logger.error(`closing expired window ${windowId} failed: ${describeError(err)}`);
    }
  }

  private clearTimer(windowId: string): void {
    const timer = this.timers.get(windowId);
    if (timer) clearTimeout(timer);
    this.timers.delete(windowId);
  }
}
