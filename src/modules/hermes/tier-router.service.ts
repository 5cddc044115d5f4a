import { Injectable } from '@nestjs/common';
import { EngineRegistry } from './engine-registry.service';
import { chatCompletion } from './openai-client';
import { ChatTurn, Completion, Provider } from './provider';
import { ProviderScoreboard } from './provider-scoreboard.service';

export interface Attempt {
  provider: string;
  outcome: 'answered' | 'failed' | 'over_budget' | 'breaker_open' | 'no_time_left';
  detail?: string;
}

export interface RouteOptions {
  /** The per-call timeout of the current switch mode. */
  timeoutMs: number;
  /** Epoch ms after which no further provider is tried. */
  deadline: number;
  /** Provider to try first, if eligible. */
  hint?: string;
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

/**
 * Calls the providers of one tier, best score first, moving on to the next without backoff when
 * one fails, is over budget, has an open breaker, or the deadline leaves it no time.
 */
@Injectable()
export class TierRouter {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
  ) {}

  hasProviders(tier: Provider['tier']): boolean {
    return this.engines.byTier(tier).length > 0;
  }

  async complete(
    tier: Provider['tier'],
    messages: ChatTurn[],
    options: RouteOptions,
  ): Promise<Completion & { attempts: Attempt[] }> {
    const ranked = this.scoreboard.rank(this.engines.byTier(tier));
    const hinted = ranked.findIndex((p) => p.name === options.hint);
    if (hinted > 0) ranked.unshift(...ranked.splice(hinted, 1));
    const attempts: Attempt[] = [];
    for (const provider of ranked) {
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
      if (!this.scoreboard.breaker(provider.name).tryAcquire()) {
        attempts.push({ provider: provider.name, outcome: 'breaker_open' });
        continue;
      }
      try {
        const completion = await chatCompletion(provider, messages, timeout);
        await this.scoreboard.recordSuccess(
          provider.name,
          completion.latency_ms,
          completion.tokens_used,
        );
        attempts.push({ provider: provider.name, outcome: 'answered' });
        return { ...completion, attempts };
      } catch (err) {
        await this.scoreboard.recordFailure(provider.name);
        attempts.push({
          provider: provider.name,
          outcome: 'failed',
          detail: (err as Error).message,
        });
      }
    }
    throw new NoProviderAnswered(tier, attempts);
  }
}
