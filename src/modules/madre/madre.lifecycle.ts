import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { withCorrelationId } from '../../core/correlation/correlation';
import { QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { TierRouter } from '../hermes/tier-router.service';
import { ChatJobData } from '../switch/chat-job';
import { WindowExpiryScheduler } from './window-expiry.scheduler';

export const MADRE_CHAT_CONCURRENCY = 16;

/**
 * Madre owns two workers: the power queue (window expiry jobs) and the madre queue (its own
 * chat tier, the fallback after switch). It depends on the database.
 */
@Injectable()
export class MadreLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'madre';
  private worker: Worker | undefined;
  private chatWorker: Worker | undefined;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly expiry: WindowExpiryScheduler,
    private readonly router: TierRouter,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
  }

  async activate(): Promise<void> {
    this.worker ??= this.queues.startWorker(QueueName.Power, (job) => this.expiry.process(job), {
      concurrency: 4,
    });
    this.chatWorker ??= this.queues.startWorker(
      QueueName.Madre,
      (job: Job<ChatJobData>) => this.chat(job),
      {
        concurrency: MADRE_CHAT_CONCURRENCY,
      },
    );
  }

  async deactivate(): Promise<void> {
    const workers = [this.worker, this.chatWorker];
    this.worker = undefined;
    this.chatWorker = undefined;
    await Promise.all(workers.map((w) => (w ? this.queues.closeWorker(w) : undefined)));
  }

  async health(): Promise<HealthReport> {
    try {
      await this.db.query('SELECT 1');
    } catch (err) {
      return { ok: false, detail: `database: ${(err as Error).message}` };
    }
    if (!this.worker?.isRunning()) return { ok: false, detail: 'power queue worker not running' };
    if (!this.chatWorker?.isRunning())
      return { ok: false, detail: 'madre chat worker not running' };
    return { ok: true, detail: 'database ok, power and chat workers running' };
  }

  /** Madre's own chat tier; a throw fails the job and the caller answers locally. */
  private chat(job: Job<ChatJobData>) {
    const { messages, deadline, timeout_ms, correlation_id, provider_hint } = job.data;
    return withCorrelationId(correlation_id ?? job.id ?? 'madre-job', () =>
      this.router.complete('madre', messages, {
        deadline,
        timeoutMs: timeout_ms,
        hint: provider_hint,
      }),
    );
  }
}
