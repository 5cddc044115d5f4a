import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { access, constants, mkdir } from 'node:fs/promises';
import { JobHandlers } from '../../core/queue/job-handlers';
import { JobName, QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { withTimeout } from '../../core/util/with-timeout';
import { ShubJobRunner, ShubJobData } from './shub-job-runner';
import { ShubJobStore } from './shub-job.store';
import { ShubJobsService } from './shub-jobs.service';

const RECONCILE_TIMEOUT_MS = 3000;

/**
 * Shub owns the shub-queue worker: it exists exactly while shub is active, so jobs uploaded
 * before a window closes wait in the queue until the next wake. Deactivation stops the
 * analyses in progress and puts their jobs back in the queue (bounded: an analysis stops
 * within one block); activation first re-queues any queued job whose queue job Redis lost.
 */
@Injectable()
export class ShubniggurathLifecycle
  implements ModuleLifecycle, OnModuleInit, OnApplicationBootstrap
{
  readonly name = 'shubniggurath';
  private readonly logger = new Logger('Shub');
  private worker: Worker | undefined;
  private recovery: Promise<void> | undefined;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly jobHandlers: JobHandlers,
    private readonly redis: RedisService,
    private readonly runner: ShubJobRunner,
    private readonly jobs: ShubJobsService,
    private readonly store: ShubJobStore,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
    this.jobHandlers.register(QueueName.Shub, JobName.ShubAnalyze, (job: Job<ShubJobData>) =>
      this.runner.process(job),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recovered();
  }

  /** Whether a worker is consuming the shub queue right now. */
  get workerRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async activate(): Promise<void> {
    await this.recovered();
    if (this.worker) return;
    await mkdir(this.jobs.tempDir, { recursive: true, mode: 0o700 });
    try {
      await withTimeout(this.jobs.reconcileQueue(), RECONCILE_TIMEOUT_MS, 'queue reconcile');
    } catch (err) {
      this.logger.warn(`shub queue not reconciled: ${(err as Error).message}`);
    }
    this.worker = this.queues.startWorker(QueueName.Shub);
  }

  async deactivate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    // No new job from here on: an interrupted job must not be taken up again at once.
    await worker?.pause(true);
    const interrupted = await this.runner.interruptAll();
    if (worker) await this.queues.closeWorker(worker);
    if (interrupted === 0) return;
    // The interrupted jobs ended their queue jobs; queue them again for the next wake.
    try {
      await withTimeout(this.jobs.reconcileQueue(), RECONCILE_TIMEOUT_MS, 'queue reconcile');
    } catch (err) {
      this.logger.warn(`interrupted jobs not re-queued yet: ${(err as Error).message}`);
    }
    this.logger.log(`deactivated: ${interrupted} job(s) back in the queue`);
  }

  /** Healthy while the worker consumes the queue, Redis answers and uploads can be stored. */
  async health(): Promise<HealthReport> {
    if (!this.worker) return { ok: false, detail: 'shub worker not started' };
    if (!this.worker.isRunning()) return { ok: false, detail: 'shub worker stopped' };
    const redis = await this.redis.status();
    if (redis.status !== 'up') {
      return {
        ok: false,
        detail: `redis unreachable: shub queue unavailable (${redis.error})`,
        dependency: 'redis',
      };
    }
    let counts;
    try {
      counts = await this.store.countByStatus();
    } catch (err) {
      return { ok: false, detail: `database: ${(err as Error).message}`, dependency: 'database' };
    }
    try {
      await access(this.jobs.tempDir, constants.W_OK);
    } catch (err) {
      return { ok: false, detail: `upload dir not writable: ${(err as Error).message}` };
    }
    const data = {
      queued: counts.queued ?? 0,
      processing: this.runner.runningCount,
      redis_latency_ms: redis.latency_ms,
    };
    return {
      ok: true,
      detail: `worker running, ${data.processing} analysing, ${data.queued} queued, redis ${redis.latency_ms} ms`,
      data,
    };
  }

  private recovered(): Promise<void> {
    this.recovery ??= this.jobs.recoverAfterRestart().catch((err: unknown) => {
      this.logger.error(`restart recovery failed: ${(err as Error).message}`);
    });
    return this.recovery;
  }
}
