import { Injectable } from '@nestjs/common';
import { QueueName } from '../../core/queue/queue-names';
import { FinishedJobs } from '../../core/queue/finished-jobs';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { withTimeout } from '../../core/util/with-timeout';
import { EngineRegistry } from '../hermes/engine-registry.service';
import { ProviderScoreboard } from '../hermes/provider-scoreboard.service';
import { chatWithTier, TierChatRequest } from '../hermes/tier-chat';
import { TierRouter } from '../hermes/tier-router.service';
import { SwitchControlDto } from './dto/switch.dto';
import { SwitchModeService } from './switch-mode.service';

const QUEUE_STATUS_TIMEOUT_MS = 1000;

/** What the /switch routes do: direct tier chat, the provider ranking, modes, the queue. */
@Injectable()
export class SwitchService {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
    private readonly router: TierRouter,
    private readonly mode: SwitchModeService,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly finished: FinishedJobs,
  ) {}

  chat(body: TierChatRequest) {
    return chatWithTier(this.router, 'switch', body, this.mode.timeoutMs);
  }

  providers() {
    return {
      mode: this.mode.mode,
      providers: this.scoreboard.rank(this.engines.list()).map((p) => ({
        name: p.name,
        tier: p.tier,
        model: p.model,
        source: p.source,
        priority: p.priority,
        ...this.scoreboard.snapshot(p),
      })),
    };
  }

  /** get_mode, set_mode (the DTO guarantees `mode` with it), list_modes. */
  control(body: SwitchControlDto) {
    if (body.action === 'list_modes') return { mode: this.mode.mode, modes: this.mode.modes() };
    if (body.action === 'set_mode' && body.mode) this.mode.set(body.mode);
    return { mode: this.mode.mode, timeout_ms: this.mode.timeoutMs };
  }

  /**
   * The switch queue's depth and counts; only `redis: "down"` without Redis. Answered chat jobs
   * are not kept in Redis, so `completed` counts those this process answered since it started.
   */
  async queueStatus() {
    if (!this.redis.isUp()) return { queue: QueueName.Switch, redis: 'down' };
    const counts = await withTimeout(
      this.queues.queue(QueueName.Switch).getJobCounts('waiting', 'active', 'delayed', 'failed'),
      QUEUE_STATUS_TIMEOUT_MS,
      'queue status',
    );
    return {
      queue: QueueName.Switch,
      redis: 'up',
      depth: counts.waiting + counts.delayed,
      ...counts,
      completed: this.finished.total(QueueName.Switch, 'completed'),
    };
  }
}
