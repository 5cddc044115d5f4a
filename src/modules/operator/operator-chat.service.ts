import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { CoreErrors } from '../../core/errors/core-errors';
import { ChatErrors } from './chat-errors';
import { EventBus } from '../../core/events/event-bus.service';
import { ChatParams, ChatTurn } from '../hermes/provider';
import {
  ChainAnswer,
  ChainStreamBroken,
  ChatChain,
  PinnedProvider,
} from '../madre/chat/chat-chain.service';
import { FallbackSource } from '../madre/chat/fallback-source';
import { ChatMessageEntity } from './chat-message.entity';
import { ChatMetrics } from './chat-metrics';
import { ChatPersistenceReporter, UnsavedMessage } from './chat-persistence-reporter';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatStore } from './chat-store.service';
import { timeOrderedId } from '../../core/util/time-ordered-id';
import { isoNow } from '../../core/util/iso-now';

const DEFAULT_CONTEXT_MESSAGES = 10;
const DEFAULT_CONTEXT_CHARS = 16000;

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

/** Where a streamed answer goes as it is produced. */
export interface ChatStreamSink {
  /** Once, before the first piece: who answers. */
  start(meta: { source: FallbackSource; provider: string; model: string }): void;
  delta(text: string): void;
  /** Aborts the provider call (the client went away). */
  signal?: AbortSignal;
}

/** One exchange: what the provider is sent, and what is stored (when there is a session). */
export interface Exchange {
  /** The user's message, as stored and as the local responder reads it. */
  message: string;
  /** What the provider is sent; the stored history, system prompt and `message` by default. */
  messages?: ChatTurn[];
  /** Unset: nothing is stored (an OpenAI request without `user` or a session header). */
  sessionId?: string;
  /** The session was made up for this message, so it has no history to read. */
  newSession?: boolean;
  correlationId: string;
  params?: ChatParams;
  pin?: PinnedProvider;
}

/** What the /v1 API needs besides the stored answer. */
export interface ExchangeResult extends ChatAnswer {
  usage: ChainAnswer['usage'];
  finish_reason: string;
  fallback_reason: string;
}

/**
 * CONTRACT §4: rate limit, persist the user message, then the chain (switch → madre → local,
 * see ChatChain) with the session's recent history as context, persist the answer. Never
 * throws past validation and rate limiting: a message the store refuses is reported (log,
 * metric, incident) after answering, not thrown. A stream that breaks after its first piece
 * is the one exception (ChainStreamBroken): its caller ends the stream with an error.
 */
@Injectable()
export class OperatorChatService {
  constructor(
    private readonly config: AppConfig,
    private readonly limiter: ChatRateLimiter,
    private readonly store: ChatStore,
    private readonly chain: ChatChain,
    private readonly metrics: ChatMetrics,
    private readonly events: EventBus,
    private readonly persistence: ChatPersistenceReporter,
  ) {}

  /** POST /operator/api/chat: validated, rate limited, answered with the session's context. */
  async chat(
    message: string,
    sessionId: string | undefined,
    correlationId: string,
    clientAddress: string,
    sink?: ChatStreamSink,
  ): Promise<ChatAnswer> {
    this.validate(message);
    const session = sessionId ?? timeOrderedId();
    await this.admit(session, clientAddress, sessionId === undefined);
    const {
      usage: _usage,
      finish_reason: _f,
      fallback_reason: _r,
      ...answer
    } = await this.exchange(
      { message, sessionId: session, newSession: sessionId === undefined, correlationId },
      sink,
    );
    return answer;
  }

  /**
   * The rate limit of one message: a 429 with Retry-After past it. `newSession`: the key was
   * made up for this message.
   */
  async admit(sessionKey: string, clientAddress: string, newSession = false): Promise<void> {
    const rate = await this.limiter.hit(sessionKey, clientAddress, newSession);
    if (rate.allowed) return;
    const whose = rate.scope === 'client' ? 'from this client address' : 'for this session';
    throw new ApiError(
      CoreErrors.rate_limited,
      `More than ${rate.limit} messages in ${this.config.chat.rateWindowSec} s ${whose}`,
      undefined,
      { retry_after: rate.retryAfterSec, limit_scope: rate.scope },
      { 'retry-after': String(rate.retryAfterSec) },
    );
  }

  /**
   * Runs one exchange through the chain, storing both messages when it has a session. Streams
   * to `sink` when given.
   */
  async exchange(input: Exchange, sink?: ChatStreamSink): Promise<ExchangeResult> {
    const started = performance.now();
    const { sessionId, correlationId } = input;
    const messages =
      input.messages ??
      (await this.context(input.newSession ? undefined : sessionId, input.message));
    const unsaved: UnsavedMessage[] = [];
    // The user message commits while the chain's job is on its way (its commit waits for the
    // end of this turn, after the enqueue is written); the answer is stored, and returned,
    // only after it.
    const userSaved = sessionId
      ? this.persist(this.message(sessionId, 'user', input.message, correlationId), unsaved)
      : undefined;

    let result: ChainAnswer;
    try {
      result = await this.chain.run({
        messages,
        prompt: input.message,
        correlationId,
        params: input.params,
        pin: input.pin,
        ...(sink ? { signal: sink.signal, onStart: sink.start, onDelta: sink.delta } : {}),
      });
    } catch (err) {
      await userSaved;
      if (err instanceof ChainStreamBroken) {
        this.events.emit(
          'chat.failed',
          'operator',
          {
            ...(sessionId ? { session_id: sessionId } : {}),
            fallback_source: err.partial.source,
            provider: err.partial.provider,
            reason: err.message,
            partial_chars: err.partial.content.length,
          },
          'warning',
        );
        if (unsaved.length > 0 && sessionId)
          void this.persistence.report(sessionId, correlationId, unsaved);
      }
      throw err;
    }
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const session = sessionId ?? '';
    const answer = this.message(session, 'assistant', result.content, correlationId, {
      fallback_source: result.source,
      provider: result.provider,
      model: result.model,
      tokens_used: result.usage.total_tokens,
      latency_ms: latencyMs,
    });
    await userSaved;
    if (sessionId) await this.persist(answer, unsaved);

    this.metrics.record(result.source, latencyMs / 1000);
    // the ledger's and feeds' work on it after the answer is sent (bench/README.md item 40)
    this.events.emitAfterThisTurn('chat.completed', 'operator', {
      ...(sessionId ? { session_id: sessionId } : {}),
      message_id: answer.id,
      fallback_source: result.source,
      provider: result.provider,
      model: result.model,
      latency_ms: latencyMs,
      tokens_used: result.usage.total_tokens,
      ...(result.reason ? { fallback_reason: result.reason } : {}),
    });
    // The answer does not wait for the incident; report() never rejects.
    if (unsaved.length > 0 && sessionId)
      void this.persistence.report(sessionId, correlationId, unsaved);
    return {
      message_id: answer.id,
      session_id: session,
      response: result.content,
      model: result.model,
      provider: result.provider,
      fallback_source: result.source,
      degraded: result.source !== 'switch',
      correlation_id: correlationId,
      latency_ms: latencyMs,
      usage: result.usage,
      finish_reason: result.finish_reason,
      fallback_reason: result.reason,
    };
  }

  /**
   * The system prompt, the session's recent messages (chat.contextMessages, at most
   * chat.contextChars of them, the oldest dropped first) and the new message. A history the
   * store cannot read is left out rather than failing the chat.
   */
  private async context(sessionId: string | undefined, message: string): Promise<ChatTurn[]> {
    const { contextMessages, contextChars, systemPrompt } = this.config.chat;
    const limit = contextMessages ?? DEFAULT_CONTEXT_MESSAGES;
    let budget = contextChars ?? DEFAULT_CONTEXT_CHARS;
    const history: ChatTurn[] = [];
    if (sessionId && limit > 0) {
      const recent = await this.store.recent(sessionId, limit).catch(() => []);
      for (const m of recent.reverse()) {
        if (m.content.length > budget) break;
        budget -= m.content.length;
        history.unshift({ role: m.role, content: m.content });
      }
    }
    return [
      ...(systemPrompt ? [{ role: 'system' as const, content: systemPrompt }] : []),
      ...history,
      { role: 'user', content: message },
    ];
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
      throw new ApiError(CoreErrors.validation_failed, 'message must not be empty', [
        { field: 'message', errors: ['message must not be empty'] },
      ]);
    }
    const max = this.config.chat.maxMessageChars;
    if (message.length > max) {
      throw new ApiError(
        ChatErrors.message_too_long,
        `message has ${message.length} characters; the limit is ${max}`,
        [{ field: 'message', errors: [`message must be at most ${max} characters`] }],
      );
    }
  }

  private message(
    sessionId: string,
    role: 'user' | 'assistant',
    content: string,
    correlationId: string,
    extra: Partial<ChatMessageEntity> = {},
  ): ChatMessageEntity {
    return {
      id: timeOrderedId(),
      session_id: sessionId,
      role,
      content,
      timestamp: isoNow(),
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
