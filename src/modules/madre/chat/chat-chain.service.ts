import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { ChatStreamEvent, ChatStreamHub } from '../../hermes/chat-stream-hub.service';
import { countTokens } from '../../hermes/openai-client';
import { ChatParams, ChatTurn, Provider, TokenUsage } from '../../hermes/provider';
import { CHAT_JOB, ChatJobData } from '../../hermes/tier-chat-job';
import { RoutedCompletion, TierRouter } from '../../hermes/tier-router.service';
import { SwitchModeService } from '../../switch/switch-mode.service';
import { FallbackSource } from './fallback-source';
import { LOCAL_MODEL, LOCAL_PROVIDER, LocalResponder } from './local-responder';

/** Time the caller waits for a queued tier beyond its per-call timeout. */
const QUEUE_GRACE_MS = 500;
/** Longest piece of the local answer sent at once when it streams. */
const LOCAL_PIECE_WORDS = 3;

/** A provider named by an OpenAI `model` (`name` or `name/model`). */
export interface PinnedProvider {
  provider: Provider;
  model?: string;
  /** Fall back along the chain when the pinned provider fails (`"fallback": true`). */
  fallback: boolean;
}

export interface ChainRequest {
  messages: ChatTurn[];
  correlationId: string;
  /** What the local responder answers to (the last user message). */
  prompt: string;
  params?: ChatParams;
  pin?: PinnedProvider;
  /** Aborts the provider call when the client goes away. */
  signal?: AbortSignal;
  /** Streams the answer: called once the first piece is ready, with who answers… */
  onStart?: (meta: { source: FallbackSource; provider: string; model: string }) => void;
  /** …then with each piece. */
  onDelta?: (text: string) => void;
}

export interface ChainAnswer {
  source: FallbackSource;
  content: string;
  provider: string;
  model: string;
  usage: TokenUsage;
  finish_reason: string;
  /** Why a tier (or the preferred provider) was passed over; '' when none was. */
  reason: string;
}

/** A streamed answer broke after its first piece left: the stream must end with an error. */
export class ChainStreamBroken extends Error {
  constructor(
    message: string,
    readonly partial: ChainAnswer,
  ) {
    super(message);
    this.name = 'ChainStreamBroken';
  }
}

/**
 * The chat chain (CONTRACT §4): switch over its queue, then madre over its queue, then the local
 * responder, which cannot fail. Streaming runs the same chain: a tier is left for the next only
 * before its first piece reached the caller; after that a failure is a ChainStreamBroken.
 */
@Injectable()
export class ChatChain {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly queues: QueueService,
    private readonly router: TierRouter,
    private readonly mode: SwitchModeService,
    private readonly hub: ChatStreamHub,
    private readonly local: LocalResponder,
  ) {}

  async run(request: ChainRequest): Promise<ChainAnswer> {
    const reasons: string[] = [];
    const timeoutMs = this.mode.timeoutMs;
    const job: ChatJobData = {
      messages: request.messages,
      deadline: 0,
      timeout_ms: timeoutMs,
      correlation_id: request.correlationId,
      ...(request.params ? { params: request.params } : {}),
    };
    let tiers: Array<[FallbackSource, QueueName, Provider['tier']]> = [
      ['switch', QueueName.Switch, 'switch'],
      ['madre', QueueName.Madre, 'madre'],
    ];
    const pin = request.pin;
    if (pin) {
      if (!this.router.available(pin.provider)) {
        reasons.push(`${pin.provider.name} is unavailable (breaker open or over budget)`);
      } else if (pin.fallback) {
        // the pinned provider first (its tier leads), then the rest of the chain
        const own = tiers.filter(([, , tier]) => tier === pin.provider.tier);
        tiers = [...own, ...tiers.filter(([, , tier]) => tier !== pin.provider.tier)];
        job.provider_hint = pin.provider.name;
        if (pin.model) job.model = pin.model;
      } else {
        tiers = tiers.filter(([, , tier]) => tier === pin.provider.tier);
        job.pin = pin.provider.name;
        if (pin.model) job.model = pin.model;
      }
    }
    for (const [source, queue, tier] of tiers) {
      if (request.signal?.aborted) break;
      if (!this.registry.isActive(tier)) {
        reasons.push(`${tier} is ${this.registry.state(tier)}`);
        continue;
      }
      if (!this.router.hasProviders(tier)) {
        reasons.push(`no ${tier}-tier provider configured`);
        continue;
      }
      const data = { ...job, deadline: Date.now() + timeoutMs };
      try {
        const completion = request.onDelta
          ? await this.streamTier(source, queue, data, request, reasons)
          : await this.queues.request<RoutedCompletion>(
              queue,
              CHAT_JOB,
              data,
              timeoutMs + QUEUE_GRACE_MS,
            );
        if (completion.downgrade) reasons.push(completion.downgrade);
        return this.answer(source, completion, request, reasons);
      } catch (err) {
        if (err instanceof ChainStreamBroken) throw err;
        reasons.push(`${tier}: ${(err as Error).message}`);
      }
    }
    return this.answerLocally(request, reasons.join('; '));
  }

  private answer(
    source: FallbackSource,
    completion: RoutedCompletion,
    request: ChainRequest,
    reasons: string[],
  ): ChainAnswer {
    return {
      source,
      content: completion.content,
      provider: completion.provider,
      model: completion.model,
      usage:
        completion.usage ??
        (completion.tokens_used > 0
          ? {
              prompt_tokens: 0,
              completion_tokens: completion.tokens_used,
              total_tokens: completion.tokens_used,
            }
          : this.count(request.messages, completion.content)),
      finish_reason: completion.finish_reason ?? 'stop',
      reason: reasons.join('; '),
    };
  }

  private async answerLocally(request: ChainRequest, reason: string): Promise<ChainAnswer> {
    this.logger.debug(`answering locally: ${reason}`);
    const content = this.local.reply(request.prompt, reason);
    if (request.onDelta && !request.signal?.aborted) {
      request.onStart?.({
        source: 'local_llm_degraded',
        provider: LOCAL_PROVIDER,
        model: LOCAL_MODEL,
      });
      const words = content.split(/(?<=\s)/);
      for (let i = 0; i < words.length && !request.signal?.aborted; i += LOCAL_PIECE_WORDS) {
        request.onDelta(words.slice(i, i + LOCAL_PIECE_WORDS).join(''));
        await new Promise((resolve) => setImmediate(resolve)); // let each piece leave
      }
    }
    return {
      source: 'local_llm_degraded',
      content,
      provider: LOCAL_PROVIDER,
      model: LOCAL_MODEL,
      usage: this.count(request.messages, content),
      finish_reason: 'stop',
      reason,
    };
  }

  /**
   * One tier, streamed: its job's pieces arrive through the hub. Before the first piece any
   * failure (job failed, enqueue refused, no answer in time) moves on to the next tier.
   */
  private async streamTier(
    source: FallbackSource,
    queue: QueueName,
    data: ChatJobData,
    request: ChainRequest,
    reasons: string[],
  ): Promise<RoutedCompletion> {
    const streamId = randomUUID();
    const tap = this.hub.open(streamId);
    const waitMs = data.timeout_ms + QUEUE_GRACE_MS;
    let started: { provider: string; model: string } | undefined;
    let content = '';
    try {
      return await new Promise<RoutedCompletion>((resolve, reject) => {
        let idle: NodeJS.Timeout | undefined;
        const settle = (fn: () => void) => {
          clearTimeout(idle);
          request.signal?.removeEventListener('abort', onAbort);
          fn();
        };
        const watch = () => {
          clearTimeout(idle);
          idle = setTimeout(
            () =>
              onEvent({ t: 'fail', message: `no piece within ${waitMs} ms`, started: !!started }),
            waitMs,
          );
          idle.unref();
        };
        const onAbort = () => {
          tap.cancel();
          onEvent({ t: 'fail', message: 'the client went away', started: !!started });
        };
        const onEvent = (event: ChatStreamEvent) => {
          switch (event.t) {
            case 'start':
              started = { provider: event.provider, model: event.model };
              request.onStart?.({ source, ...started });
              watch();
              return;
            case 'delta':
              content += event.c;
              request.onDelta?.(event.c);
              watch();
              return;
            case 'end':
              return settle(() => resolve(event.completion));
            case 'fail':
              tap.onEvent = () => undefined;
              return settle(() =>
                reject(
                  started
                    ? new ChainStreamBroken(event.message, {
                        source,
                        content,
                        provider: started.provider,
                        model: started.model,
                        usage: this.count(request.messages, content),
                        finish_reason: 'error',
                        reason: reasons.join('; '),
                      })
                    : new Error(event.message),
                ),
              );
          }
        };
        tap.onEvent = onEvent;
        request.signal?.addEventListener('abort', onAbort, { once: true });
        if (request.signal?.aborted) return onAbort();
        this.queues
          .request<RoutedCompletion>(
            queue,
            CHAT_JOB,
            { ...data, stream: true, stream_id: streamId },
            waitMs,
          )
          .catch((err: Error) => {
            // before the first piece, a failed or unanswered job moves on; after it, the events rule
            if (!started) onEvent({ t: 'fail', message: err.message, started: false });
          });
      });
    } finally {
      tap.close();
    }
  }

  private count(messages: ChatTurn[], content: string): TokenUsage {
    const prompt = countTokens(messages.map((m) => m.content).join('\n'));
    const completion = countTokens(content);
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }
}
