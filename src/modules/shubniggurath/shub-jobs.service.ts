import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { EventBus } from '../../core/events/event-bus.service';
import { JobName, QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { withTimeout } from '../../core/util/with-timeout';
import { JobView, viewOfJob } from './job-view';
import { Target } from './mastering-advice';
import { FINAL_JOB_STATUSES, JobStatus, ShubJobEntity } from './shub-job.entity';
import { ShubJobStore } from './shub-job.store';
import { ShubMetrics } from './shub-metrics';
import { removeUpload, shubTempDir } from './shub-paths';
import { ShubJobRunner, ShubJobData } from './shub-job-runner';
import type { ReceivedWav } from './upload/wav-receiver';
import { CoreErrors } from '../../core/errors/core-errors';
import { ShubniggurathErrors } from './shubniggurath-errors';

/** An upload on disk, ready to become a job. */
export interface StoredUpload extends ReceivedWav {
  path: string;
  fileName: string | null;
}

export interface JobList {
  jobs: JobView[];
  total: number;
  limit: number;
  offset: number;
}

const ENQUEUE_TIMEOUT_MS = 3000;
/** Retry-After of a 503 while Redis (the queue) is unreachable. */
export const QUEUE_RETRY_AFTER_SEC = 5;

export function queueUnavailable(detail: string): ApiError {
  return new ApiError(
    CoreErrors.queue_unavailable,
    `The shub queue is unavailable (${detail}); the upload was not accepted, retry shortly`,
    undefined,
    { retry_after: QUEUE_RETRY_AFTER_SEC },
    { 'retry-after': String(QUEUE_RETRY_AFTER_SEC), connection: 'close' },
  );
}

/**
 * The shub jobs: made from stored uploads (a row each, then a queue job), listed, shown and
 * cancelled. The rows are the truth; the queue only carries the ids to the worker.
 */
@Injectable()
export class ShubJobsService {
  private readonly logger = new Logger('Shub');

  constructor(
    private readonly config: AppConfig,
    private readonly store: ShubJobStore,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly runner: ShubJobRunner,
    private readonly events: EventBus,
    private readonly metrics: ShubMetrics,
  ) {}

  get tempDir(): string {
    return shubTempDir(this.config.dataDir);
  }

  /**
   * Makes one queued job per upload (all or none) and enqueues them. With the queue
   * unreachable the rows and files are removed again and the caller gets 503.
   */
  async create(
    uploads: StoredUpload[],
    target: Target,
    batchId: string | null,
    correlationId: string | null,
  ): Promise<JobView[]> {
    const now = new Date().toISOString();
    const rows: ShubJobEntity[] = uploads.map((upload) => ({
      id: randomUUID(),
      batch_id: batchId,
      status: 'queued',
      file_name: upload.fileName,
      file_bytes: upload.bytes,
      temp_path: upload.path,
      wav: upload.format,
      style: target.style,
      target_lufs: target.target_lufs,
      result: null,
      advice: null,
      error: null,
      attempts: 0,
      created_at: now,
      started_at: null,
      finished_at: null,
      analysis_ms: null,
      correlation_id: correlationId,
    }));
    await this.store.insert(rows);
    try {
      if (!this.redis.isUp()) throw new Error('redis unreachable');
      await withTimeout(
        this.queues.queue(QueueName.Shub).addBulk(
          rows.map((row) => ({
            name: JobName.ShubAnalyze,
            data: { job_id: row.id } satisfies ShubJobData,
            opts: { jobId: row.id },
          })),
        ),
        ENQUEUE_TIMEOUT_MS,
        'enqueue',
      );
    } catch (err) {
      await this.store.delete(rows.map((r) => r.id));
      throw queueUnavailable((err as Error).message);
    }
    for (const row of rows) {
      this.metrics.accepted(row.file_bytes);
      this.events.emit('shub.job.queued', 'shubniggurath', {
        job_id: row.id,
        batch_id: row.batch_id,
        file_name: row.file_name,
        file_bytes: row.file_bytes,
        style: row.style,
        target_lufs: row.target_lufs,
      });
    }
    return rows.map((row) => viewOfJob(row, 0, false));
  }

  async get(id: string): Promise<JobView> {
    const row = await this.require(id);
    return viewOfJob(row, this.runner.progressOf(id), true);
  }

  async list(
    filter: { status?: JobStatus; batch_id?: string },
    limit: number,
    offset: number,
  ): Promise<JobList> {
    const { rows, total } = await this.store.page(filter, limit, offset);
    return {
      jobs: rows.map((row) => viewOfJob(row, this.runner.progressOf(row.id), false)),
      total,
      limit,
      offset,
    };
  }

  /**
   * Cancels a job that has not ended: a queued one leaves the queue at once, a processing one
   * is stopped between two blocks of its analysis (the answer waits for that). 409 once ended.
   */
  async cancel(id: string): Promise<JobView> {
    const row = await this.require(id);
    if (FINAL_JOB_STATUSES.includes(row.status)) throw this.alreadyEnded(row);
    if (await this.runner.stop(id, 'cancelled')) return this.get(id);
    const cancelled = await this.store.transition(id, ['queued', 'processing'], {
      status: 'cancelled',
      error: `cancelled while ${row.status}`,
      finished_at: new Date().toISOString(),
      temp_path: null,
    });
    if (!cancelled) {
      // The worker took it up in the meantime: stop it there.
      if (!(await this.runner.stop(id, 'cancelled'))) {
        throw this.alreadyEnded((await this.store.find(id)) ?? row);
      }
      return this.get(id);
    }
    await removeUpload(row.temp_path);
    this.metrics.ended('cancelled');
    this.events.emit(
      'shub.job.cancelled',
      'shubniggurath',
      { job_id: id, while: row.status },
      'warning',
    );
    await this.dropQueueJob(id);
    return this.get(id);
  }

  /**
   * At boot, before any worker runs: jobs a stopped process left `processing` go back to
   * `queued` (they start again from the beginning), and temp files no job owns are removed.
   */
  async recoverAfterRestart(): Promise<void> {
    const unfinished = await this.store.unfinished();
    for (const row of unfinished.filter((r) => r.status === 'processing')) {
      await this.store.transition(row.id, ['processing'], { status: 'queued', started_at: null });
    }
    const owned = new Set(unfinished.map((r) => r.temp_path).filter((p): p is string => !!p));
    const files = await readdir(this.tempDir).catch(() => [] as string[]);
    for (const name of files) {
      const path = join(this.tempDir, name);
      if (!owned.has(path)) await removeUpload(path);
    }
  }

  /**
   * Before the worker starts: every queued job has its queue job — re-added when Redis lost it
   * (flushed, or a job ended without its row being updated). Returns how many were re-added.
   */
  async reconcileQueue(): Promise<number> {
    if (!this.redis.isUp()) return 0;
    const queue = this.queues.queue(QueueName.Shub);
    let added = 0;
    for (const row of await this.store.unfinished()) {
      const job = await queue.getJob(row.id);
      const state = job ? await job.getState() : 'missing';
      if (job && (state === 'completed' || state === 'failed')) await job.remove();
      if (['missing', 'completed', 'failed', 'unknown'].includes(state)) {
        await queue.add(JobName.ShubAnalyze, { job_id: row.id } satisfies ShubJobData, {
          jobId: row.id,
        });
        this.logger.log(`re-enqueued job ${row.id} (its queue job was ${state})`);
        added++;
      }
    }
    return added;
  }

  private async dropQueueJob(id: string): Promise<void> {
    if (!this.redis.isUp()) return; // the worker skips a cancelled row anyway
    try {
      await withTimeout(this.queues.queue(QueueName.Shub).remove(id), ENQUEUE_TIMEOUT_MS, 'remove');
    } catch (err) {
      this.logger.debug(`queue job ${id} not removed: ${(err as Error).message}`);
    }
  }

  private async require(id: string): Promise<ShubJobEntity> {
    const row = await this.store.find(id);
    if (!row) throw new ApiError(CoreErrors.not_found, `No shub job ${id}`);
    return row;
  }

  private alreadyEnded(row: ShubJobEntity): ApiError {
    return new ApiError(
      ShubniggurathErrors.job_finished,
      `Job ${row.id} has already ended (${row.status})`,
      undefined,
      {
        status: row.status,
      },
    );
  }
}
