import { Injectable, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { JobHandlers } from '../../core/queue/job-handlers';
import { JobName, QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { EngineRegistry } from '../hermes/engine-registry.service';
import { ProviderScoreboard } from '../hermes/provider-scoreboard.service';
import { ChatStreamHub } from '../hermes/chat-stream-hub.service';
import { TierRouter } from '../hermes/tier-router.service';
import { ChatJobData, runTierChatJob } from '../hermes/tier-chat-job';

/** Switch owns the switch-queue worker: it exists exactly while switch is active. */
@Injectable()
export class SwitchLifecycle implements ModuleLifecycle, OnModuleInit {
  readonly name = 'switch';
  private worker: Worker | undefined;

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly jobHandlers: JobHandlers,
    private readonly redis: RedisService,
    private readonly router: TierRouter,
    private readonly hub: ChatStreamHub,
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
    this.jobHandlers.register(QueueName.Switch, JobName.Chat, (job: Job<ChatJobData>) =>
      runTierChatJob(this.router, 'switch', job, this.hub),
    );
  }

  /** Whether a worker is consuming the switch queue right now. */
  get workerRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async activate(): Promise<void> {
    this.worker ??= this.queues.startWorker(QueueName.Switch);
  }

  async deactivate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await this.queues.closeWorker(worker);
  }

  /**
   * Healthy while its worker consumes the switch queue, Redis answers, and at least one
   * switch-tier provider can be called (with none configured, chat goes to madre by design).
   */
  async health(): Promise<HealthReport> {
    if (!this.worker) return { ok: false, detail: 'switch worker not started' };
    if (!this.worker.isRunning()) return { ok: false, detail: 'switch worker stopped' };
    const redis = await this.redis.status();
    if (redis.status !== 'up') {
      return {
        ok: false,
        detail: `redis unreachable: switch queue unavailable (${redis.error})`,
        dependency: 'redis',
      };
    }
    const providers = this.engines.byTier('switch');
    const breakers = Object.fromEntries(
      providers.map((p) => [p.name, this.scoreboard.breaker(p.name).state]),
    );
    const open = providers.filter((p) => breakers[p.name] === 'open').map((p) => p.name);
    const data = { redis_latency_ms: redis.latency_ms, breakers };
    if (providers.length > 0 && open.length === providers.length) {
      return {
        ok: false,
        detail: `every switch-tier provider's breaker is open (${open.join(', ')})`,
        dependency: 'providers',
        data,
      };
    }
    return {
      ok: true,
      detail: `worker running, redis ${redis.latency_ms} ms, ${providers.length - open.length}/${providers.length} switch-tier providers callable`,
      data,
    };
  }
}
