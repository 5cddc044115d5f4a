import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { WindowExpiryScheduler } from './window-expiry.scheduler';

/** Madre owns the power-queue worker (window expiry jobs) and depends on the database. */
@Injectable()
export class MadreLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'madre';
  private worker: Worker | undefined;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly expiry: WindowExpiryScheduler,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
  }

  async activate(): Promise<void> {
    this.worker ??= this.queues.startWorker(QueueName.Power, (job) => this.expiry.process(job), {
      concurrency: 4,
    });
  }

  async deactivate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await this.queues.closeWorker(worker);
  }

  async health(): Promise<HealthReport> {
    try {
      await this.db.query('SELECT 1');
    } catch (err) {
      return { ok: false, detail: `database: ${(err as Error).message}` };
    }
    if (!this.worker?.isRunning()) return { ok: false, detail: 'power queue worker not running' };
    return { ok: true, detail: 'database ok, power worker running' };
  }
}
