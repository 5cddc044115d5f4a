import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { EventBus } from '../../core/events/event-bus.service';
import { QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { Completion } from '../hermes/provider';
import { TierRouter } from '../hermes/tier-router.service';
import { CHAT_JOB, ChatJobData } from '../hermes/tier-chat-job';
import { SwitchModeService } from '../switch/switch-mode.service';
import { ChatMessageEntity, FallbackSource } from './chat-message.entity';
import { ChatMetrics } from './chat-metrics';
import { ChatPersistenceReporter, UnsavedMessage } from './chat-persistence-reporter';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatStore } from './chat-store.service';
import { LOCAL_MODEL, LOCAL_PROVIDER, LocalResponder } from './local-responder';

/** Time the caller waits for a queued tier beyond its per-call timeout. */
const QUEUE_GRACE_MS = 500;

export interface ChatAnswer {
  message_id: string;
  session_id: string;
  response: string;
  model: string;
  provider: string;
  fallback_source: FallbackSource;
  degraded: boolean;
  correlation_id: string;
  latency_ms: number;
}

/**
 * CONTRACT §4: rate limit, persist the user message, then switch (queue) → madre (queue) →
 * the local responder, persist the answer. Never throws past validation and rate limiting:
 * a message the store refuses is reported (log, metric, incident) after answering, not thrown.
 */
@Injectable()
export class OperatorChatService {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly router: TierRouter,
    private readonly mode: SwitchModeService,
    private readonly limiter: ChatRateLimiter,
    private readonly store: ChatStore,
    private readonly local: LocalResponder,
    private readonly metrics: ChatMetrics,
    private readonly events: EventBus,
    private readonly persistence: ChatPersistenceReporter,
  ) {}

  async chat(
    message: string,
    sessionId: string | undefined,
    correlationId: string,
    clientAddress: string,
  ): Promise<ChatAnswer> {
    const started = performance.now();
    this.validate(message);
    const session = sessionId ?? randomUUID();
    const rate = await this.limiter.hit(session, clientAddress);
    if (!rate.allowed) {
      const whose = rate.scope === 'client' ? 'from this client address' : 'for this session';
      throw new ApiError(
        429,
        'rate_limited',
        `More than ${rate.limit} messages in ${this.config.chat.rateWindowSec} s ${whose}`,
        undefined,
        { retry_after: rate.retryAfterSec, limit_scope: rate.scope },
        { 'retry-after': String(rate.retryAfterSec) },
      );
    }
    const unsaved: UnsavedMessage[] = [];
    await this.persist(this.message(session, 'user', message, correlationId), unsaved);

    const { source, completion, reason } = await this.route(message, correlationId);
    const response = completion?.content ?? this.local.reply(message, reason);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const answer = this.message(session, 'assistant', response, correlationId, {
      fallback_source: source,
      provider: completion?.provider ?? LOCAL_PROVIDER,
      model: completion?.model ?? LOCAL_MODEL,
      tokens_used: completion?.tokens_used ?? 0,
      latency_ms: latencyMs,
    });
    await this.persist(answer, unsaved);

    this.metrics.record(source, latencyMs / 1000);
    this.events.emit('chat.completed', 'operator', {
      session_id: session,
      message_id: answer.id,
      fallback_source: source,
      provider: answer.provider,
      model: answer.model,
      latency_ms: latencyMs,
      ...(reason ? { fallback_reason: reason } : {}),
    });
    // The answer does not wait for the incident; report() never rejects.
    if (unsaved.length > 0) void this.persistence.report(session, correlationId, unsaved);
    return {
      message_id: answer.id,
      session_id: session,
      response,
      model: answer.model!,
      provider: answer.provider!,
      fallback_source: source,
      degraded: source !== 'switch',
      correlation_id: correlationId,
      latency_ms: latencyMs,
    };
  }

  /** Stores a message; a failure is noted for the report instead of failing the chat. */
  private async persist(message: ChatMessageEntity, unsaved: UnsavedMessage[]): Promise<void> {
    try {
      await this.store.append(message);
    } catch (error) {
      unsaved.push({ role: message.role, message_id: message.id, error });
    }
  }

  private validate(message: string): void {
    if (message.trim().length === 0) {
      throw new ApiError(400, 'validation_failed', 'message must not be empty', [
        { field: 'message', errors: ['message must not be empty'] },
      ]);
    }
    const max = this.config.chat.maxMessageChars;
    if (message.length > max) {
      throw new ApiError(
        413,
        'message_too_long',
        `message has ${message.length} characters; the limit is ${max}`,
        [{ field: 'message', errors: [`message must be at most ${max} characters`] }],
      );
    }
  }

  /** Switch, then madre, over their queues; the reason says why each tier was passed over. */
  private async route(message: string, correlationId: string) {
    const reasons: string[] = [];
    const timeoutMs = this.mode.timeoutMs;
    const job: ChatJobData = {
      messages: [{ role: 'user', content: message }],
      deadline: 0,
      timeout_ms: timeoutMs,
      correlation_id: correlationId,
    };
    const tiers: Array<[FallbackSource, QueueName, 'switch' | 'madre']> = [
      ['switch', QueueName.Switch, 'switch'],
      ['madre', QueueName.Madre, 'madre'],
    ];
    for (const [source, queue, tier] of tiers) {
      if (!this.registry.isActive(tier)) {
        reasons.push(`${tier} is ${this.registry.state(tier)}`);
        continue;
      }
      if (!this.router.hasProviders(tier)) {
        reasons.push(`no ${tier}-tier provider configured`);
        continue;
      }
      try {
        const wait = timeoutMs + QUEUE_GRACE_MS;
        const completion = await this.queues.request<Completion>(
          queue,
          CHAT_JOB,
          { ...job, deadline: Date.now() + timeoutMs },
          wait,
        );
        return { source, completion, reason: reasons.join('; ') };
      } catch (err) {
        reasons.push(`${tier}: ${(err as Error).message}`);
      }
    }
    const reason = reasons.join('; ');
    this.logger.debug(`answering locally: ${reason}`);
    return { source: 'local_llm_degraded' as const, completion: undefined, reason };
  }

  private message(
    sessionId: string,
    role: 'user' | 'assistant',
    content: string,
    correlationId: string,
    extra: Partial<ChatMessageEntity> = {},
  ): ChatMessageEntity {
    return {
      id: randomUUID(),
      session_id: sessionId,
      role,
      content,
      timestamp: new Date().toISOString(),
      correlation_id: correlationId,
      fallback_source: null,
      provider: null,
      model: null,
      tokens_used: null,
      latency_ms: null,
      ...extra,
    };
  }
}
