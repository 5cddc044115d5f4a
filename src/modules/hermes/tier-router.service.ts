import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { EventBus } from '../../core/events/event-bus.service';
import { describeError } from '../../core/util/guarded';
import { EngineRegistry } from './engine-registry.service';
import { CallOptions, chatCompletion, StreamDelta, streamCompletion } from './openai-client';
import { ChatParams, ChatTurn, Completion, Provider } from './provider';
import { ProviderScoreboard } from './provider-scoreboard.service';
import { ProviderSlots } from './provider-slots';

export interface Attempt {
  provider: string;
  outcome: 'answered' | 'failed' | 'over_budget' | 'breaker_open' | 'no_time_left' | 'busy';
  detail?: string;
}

export interface RouteOptions {
  /** The per-call timeout of the current switch mode. */
  timeoutMs: number;
  /** Epoch ms after which no further provider is tried. */
  deadline: number;
  /** Provider to try first, if eligible. */
  hint?: string;
  /** Only this provider, while it is available (breaker, budget); the whole tier otherwise. */
  pin?: string;
  /** The model to ask the pinned (or hinted) provider for (`provider/model`). */
  model?: string;
  /** OpenAI request fields passed through to the provider. */
  params?: ChatParams;
  /** Aborts the provider call in flight (the client went away). */
  signal?: AbortSignal;
  /** Streams: called with each piece of text; a provider that sent one is never left for another. */
  onDelta?: (delta: StreamDelta, provider: Provider) => void;
}

export interface RoutedCompletion extends Completion {
  attempts: Attempt[];
  /** Set when the budget downgrade chose the provider. */
  downgrade?: string;
}

/** No provider of the tier answered; `attempts` says why for each. */
export class NoProviderAnswered extends Error {
  constructor(
    readonly tier: string,
    readonly attempts: Attempt[],
  ) {
    super(
      attempts.length === 0
        ? `no ${tier}-tier provider configured`
        : `no ${tier}-tier provider answered: ${NoProviderAnswered.describe(attempts)}`,
    );
    this.name = 'NoProviderAnswered';
  }

  static describe(attempts: Attempt[]): string {
    return attempts
      .map((a) => `${a.provider} ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`)
      .join('; ');
  }
}

/** A streamed answer broke after its first piece reached the caller: no other provider may take over. */
export class StreamBroken extends Error {
  constructor(
    readonly provider: string,
    reason: string,
  ) {
    super(`${provider} failed mid-stream: ${reason}`);
    this.name = 'StreamBroken';
  }
}

const DEFAULT_DOWNGRADE_AT = 0.1;
const DEFAULT_SLOT_WAIT_MS = 250;

/**
 * Calls the providers of one tier, best score first, moving on to the next without backoff when
 * one fails, is over budget, has an open breaker, has no free slot (max_concurrency), or the
 * deadline leaves it no time. When the provider the operator prefers (highest priority) has
 * less than `switch.downgradeAtRemaining` of its daily budget left, the tier's cheapest
 * eligible provider goes first, and the router says so.
 */
@Injectable()
export class TierRouter {
  private readonly logger = new Logger('TierRouter');
  private readonly downgradedToday = new Set<string>();

  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
    private readonly slots: ProviderSlots,
    private readonly config: AppConfig,
    private readonly events: EventBus,
  ) {}

  hasProviders(tier: Provider['tier']): boolean {
    return this.engines.byTier(tier).length > 0;
  }

  /** Whether a provider can be called now (breaker not open, budget left). */
  available(provider: Provider): boolean {
    return (
      !this.scoreboard.overBudget(provider) &&
      this.scoreboard.breaker(provider.name).state !== 'open'
    );
  }

  /** The tier's providers in the order they will be tried, and the downgrade, if one applies. */
  order(tier: Provider['tier'], hint?: string): { ranked: Provider[]; downgrade?: string } {
    const ranked = this.scoreboard.rank(this.engines.byTier(tier));
    for (const p of ranked) this.scoreboard.budgetRatio(p); // keeps the gauge current
    const downgrade = this.downgrade(ranked);
    if (downgrade) ranked.unshift(...ranked.splice(ranked.indexOf(downgrade.to), 1));
    const hinted = ranked.findIndex((p) => p.name === hint);
    if (hinted > 0) ranked.unshift(...ranked.splice(hinted, 1));
    return { ranked, downgrade: downgrade?.reason };
  }

  async complete(
    tier: Provider['tier'],
    messages: ChatTurn[],
    options: RouteOptions,
  ): Promise<RoutedCompletion> {
    const order = this.order(tier, options.hint);
    let ranked = order.ranked;
    const pinned = options.pin ? ranked.find((p) => p.name === options.pin) : undefined;
    if (pinned && this.available(pinned)) ranked = [pinned];
    const attempts: Attempt[] = [];
    for (const provider of ranked) {
      if (options.signal?.aborted) break;
      if (this.scoreboard.overBudget(provider)) {
        attempts.push({ provider: provider.name, outcome: 'over_budget' });
        continue;
      }
      const timeLeft = options.deadline - Date.now();
      const timeout = Math.min(options.timeoutMs, provider.timeout_ms ?? Infinity, timeLeft);
      if (timeout <= 0) {
        attempts.push({ provider: provider.name, outcome: 'no_time_left' });
        continue;
      }
      // A free slot is taken without an await: a yield here handed the event loop to BullMQ's
      // worker loop between the job's start and its provider call (bench/README.md item 39).
      const release =
        this.slots.take(provider.name, provider.max_concurrency) ??
        (await this.slots.acquire(
          provider.name,
          provider.max_concurrency,
          Math.min(this.config.switch?.concurrencyWaitMs ?? DEFAULT_SLOT_WAIT_MS, timeLeft),
        ));
      if (!release) {
        attempts.push({
          provider: provider.name,
          outcome: 'busy',
          detail: `${provider.max_concurrency} call(s) in flight`,
        });
        continue;
      }
      try {
        if (!this.scoreboard.breaker(provider.name).tryAcquire()) {
          attempts.push({ provider: provider.name, outcome: 'breaker_open' });
          continue;
        }
        const answer = await this.call(provider, messages, timeout, options);
        attempts.push({ provider: provider.name, outcome: 'answered' });
        const downgrade = order.downgrade && ranked[0] === provider ? order.downgrade : undefined;
        return { ...answer, attempts, ...(downgrade ? { downgrade } : {}) };
      } catch (err) {
        if (err instanceof StreamBroken) throw err;
        attempts.push({
          provider: provider.name,
          outcome: 'failed',
          detail: (err as Error).message,
        });
      } finally {
        release();
      }
    }
    throw new NoProviderAnswered(tier, attempts);
  }

  /** One provider call; a stream that already delivered text and then fails is StreamBroken. */
  private async call(
    provider: Provider,
    messages: ChatTurn[],
    timeout: number,
    options: RouteOptions,
  ): Promise<Completion> {
    const call: CallOptions = {
      params: options.params,
      signal: options.signal,
      ...((options.pin ?? options.hint) === provider.name && options.model
        ? { model: options.model }
        : {}),
    };
    let delivered = false;
    const started = performance.now();
    try {
      const completion = options.onDelta
        ? await streamCompletion(
            provider,
            messages,
            timeout,
            (delta) => {
              delivered = true;
              options.onDelta!(delta, provider);
            },
            call,
          )
        : await chatCompletion(provider, messages, timeout, call);
      // the counts are updated at once; their row is written without holding up the answer
      this.scoreboard
        .recordSuccess(provider.name, completion.latency_ms, completion.tokens_used)
        .catch((err: unknown) => this.usageNotStored(provider, err));
      return completion;
    } catch (err) {
      // a call the client cancelled says nothing about the provider
      if (!options.signal?.aborted) {
        this.scoreboard
          .recordFailure(provider.name, performance.now() - started)
          .catch((failure: unknown) => this.usageNotStored(provider, failure));
      }
      if (delivered) throw new StreamBroken(provider.name, (err as Error).message);
      throw err;
    }
  }

  private usageNotStored(provider: Provider, err: unknown): void {
    this.logger.warn(`usage of ${provider.name} not stored: ${describeError(err)}`);
  }

  /**
   * The preferred provider (highest priority, then score) of those callable, when its budget is
   * nearly spent: the cheapest callable provider with more budget left takes its place.
   */
  private downgrade(ranked: Provider[]): { to: Provider; reason: string } | undefined {
    const threshold = this.config.switch?.downgradeAtRemaining ?? DEFAULT_DOWNGRADE_AT;
    const callable = ranked.filter((p) => this.available(p));
    const preferred = [...callable].sort((a, b) => b.priority - a.priority)[0];
    if (!preferred) return undefined;
    const ratio = this.scoreboard.budgetRatio(preferred);
    if (ratio === null || ratio >= threshold) return undefined;
    const cost = (p: Provider) => p.cost_per_1k_tokens ?? Infinity;
    const cheaper = callable
      .filter((p) => p !== preferred && (this.scoreboard.budgetRatio(p) ?? 1) >= threshold)
      .sort((a, b) => cost(a) - cost(b))[0];
    if (!cheaper || cost(cheaper) > cost(preferred)) return undefined;
    const percent = Math.round(ratio * 1000) / 10;
    const reason =
      `budget downgrade: ${preferred.name} has ${percent}% of its daily budget left ` +
      `(under ${threshold * 100}%), so ${cheaper.name}` +
      `${cheaper.cost_per_1k_tokens !== undefined && cheaper.cost_per_1k_tokens !== null ? ` (${cheaper.cost_per_1k_tokens}/1k tokens)` : ''} answers`;
    const key = `${new Date().toISOString().slice(0, 10)}:${preferred.name}:${cheaper.name}`;
    if (!this.downgradedToday.has(key)) {
      if (this.downgradedToday.size > 1000) this.downgradedToday.clear();
      this.downgradedToday.add(key);
      this.events.emit(
        'budget.downgrade',
        preferred.tier,
        {
          tier: preferred.tier,
          from: preferred.name,
          to: cheaper.name,
          remaining_ratio: Math.round(ratio * 1000) / 1000,
          threshold,
          from_cost_per_1k_tokens: preferred.cost_per_1k_tokens ?? null,
          to_cost_per_1k_tokens: cheaper.cost_per_1k_tokens ?? null,
        },
        'warning',
      );
    }
    return { to: cheaper, reason };
  }
}
