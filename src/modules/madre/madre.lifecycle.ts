import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobHandlers } from '../../core/queue/job-handlers';
import { JobName, QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { ChatStreamHub } from '../hermes/chat-stream-hub.service';
import { TierRouter } from '../hermes/tier-router.service';
import { ChatJobData, runTierChatJob } from '../hermes/tier-chat-job';
import { ArchitectCycle } from './health/architect-cycle.service';
import { HealthSchedule } from './health/health.schedule';
import { MaintenanceScheduler } from './maintenance/maintenance.scheduler';

/**
 * Madre owns the power queue worker (window expiry jobs), the madre queue worker (its own chat
 * tier, the fallback after switch), the health monitor's schedule, the maintenance worker with
 * its nightly schedule, and the architect's diagnostics. It depends on the database and Redis.
 */
@Injectable()
export class MadreLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'madre';
  private worker: Worker | undefined;
  private chatWorker: Worker | undefined;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly jobHandlers: JobHandlers,
    private readonly router: TierRouter,
    private readonly hub: ChatStreamHub,
    private readonly redis: RedisService,
    private readonly healthSchedule: HealthSchedule,
    private readonly maintenance: MaintenanceScheduler,
    private readonly architect: ArchitectCycle,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
    this.jobHandlers.register(QueueName.Madre, JobName.Chat, (job: Job<ChatJobData>) =>
      runTierChatJob(this.router, 'madre', job, this.hub),
    );
  }

  async activate(): Promise<void> {
    this.worker ??= this.queues.startWorker(QueueName.Power);
    this.chatWorker ??= this.queues.startWorker(QueueName.Madre);
    this.healthSchedule.start();
    this.maintenance.start();
    this.architect.start();
  }

  async deactivate(): Promise<void> {
    const workers = [this.worker, this.chatWorker];
    this.worker = undefined;
    this.chatWorker = undefined;
    this.architect.stop();
    await Promise.all([
      ...workers.map((w) => (w ? this.queues.closeWorker(w) : undefined)),
      this.healthSchedule.stop(),
      this.maintenance.stop(),
    ]);
  }

  async health(): Promise<HealthReport> {
    try {
      await this.db.query('SELECT 1');
    } catch (err) {
      return { ok: false, detail: `database: ${(err as Error).message}`, dependency: 'database' };
    }
    const stopped = [
      ['power queue worker', this.worker?.isRunning()],
      ['madre chat worker', this.chatWorker?.isRunning()],
      ['health monitor schedule', this.healthSchedule.running],
      ['maintenance worker', this.maintenance.workerRunning],
      ['architect diagnostics', this.architect.running],
    ]
      .filter(([, running]) => !running)
      .map(([what]) => what);
    if (stopped.length > 0) return { ok: false, detail: `not running: ${stopped.join(', ')}` };
    const redis = await this.redis.status();
    if (redis.status !== 'up') {
      return { ok: false, detail: `redis unreachable: ${redis.error}`, dependency: 'redis' };
    }
    return {
      ok: true,
      detail: `database ok, redis ${redis.latency_ms} ms, workers and schedules running`,
      data: { redis_latency_ms: redis.latency_ms },
    };
  }
}
