import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { withTimeout } from '../../core/util/with-timeout';

export const WINDOW_EXPIRE_JOB = 'window-expire';
const ENQUEUE_TIMEOUT_MS = 1000;

type ExpireHandler = (windowId: string) => Promise<void>;

const jobIdFor = (windowId: string) => `${WINDOW_EXPIRE_JOB}-${windowId}`;

/**
 * Arms each window's deadline twice: a local timer (works with Redis down, fires on time) and
 * a delayed BullMQ job on the power queue (survives a busy event loop). Closing is idempotent,
 * so whichever fires second does nothing.
 */
@Injectable()
export class WindowExpiryScheduler {
  private readonly logger = new Logger('WindowExpiry');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private handler: ExpireHandler | undefined;

  constructor(
    private readonly queues: QueueService,
    private readonly redis: RedisService,
  ) {}

  onExpire(handler: ExpireHandler): void {
    this.handler = handler;
  }

  schedule(windowId: string, deadlineMs: number): void {
    this.clearTimer(windowId);
    const delay = Math.max(0, deadlineMs - Date.now());
    this.timers.set(
      windowId,
      setTimeout(() => {
        this.timers.delete(windowId);
        void this.fire(windowId);
      }, delay),
    );
    if (!this.redis.isUp()) return;
    withTimeout(
      this.queues
        .queue(QueueName.Power)
        .add(WINDOW_EXPIRE_JOB, { window_id: windowId }, { jobId: jobIdFor(windowId), delay }),
      ENQUEUE_TIMEOUT_MS,
    ).catch((err: Error) =>
      this.logger.warn(
        `expiry job for ${windowId} not queued (${err.message}); local timer stands`,
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

  /** The power-queue worker's handler for expiry jobs. */
  async process(job: Job<{ window_id: string }>): Promise<void> {
    if (job.name !== WINDOW_EXPIRE_JOB) throw new Error(`unknown power job ${job.name}`);
    await this.fire(job.data.window_id);
  }

  private async fire(windowId: string): Promise<void> {
    try {
      await this.handler?.(windowId);
    } catch (err) {
      this.logger.error(`closing expired window ${windowId} failed: ${(err as Error).message}`);
    }
  }

  private clearTimer(windowId: string): void {
    const timer = this.timers.get(windowId);
    if (timer) clearTimeout(timer);
    this.timers.delete(windowId);
  }
}
