import { Injectable } from '@nestjs/common';
import { HermesErrors } from './hermes-errors';
import { ApiError } from '../../core/errors/api-error';
import { EngineRegistry } from './engine-registry.service';
import { ProviderScoreboard } from './provider-scoreboard.service';

/** Which engine a query would go to and why; results fed back into the scores; health. */
@Injectable()
export class EngineSelection {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
  ) {}

  /** The best-scored switch-tier engine (of `allowed`, when given), with every candidate. */
  select(allowed?: string[]) {
    const candidates = this.scoreboard
      .rank(this.engines.byTier('switch').filter((p) => !allowed || allowed.includes(p.name)))
      .map((p) => ({ engine: p.name, model: p.model, ...this.scoreboard.snapshot(p) }));
    const chosen = candidates.find((c) => c.score > 0) ?? null;
    return {
      engine: chosen?.engine ?? null,
      reason: chosen
        ? `highest score ${chosen.score} (success rate, latency, budget headroom, breaker ${chosen.breaker.state})`
        : candidates.length === 0
          ? 'no switch-tier engine registered'
          : 'every engine is over budget or has an open breaker',
      candidates,
    };
  }

  async record(result: { engine: string; success: boolean; latency_ms: number; tokens?: number }) {
    const engine = this.engines.get(result.engine);
    if (!engine)
      throw new ApiError(HermesErrors.engine_not_found, `No engine named ${result.engine}`);
    if (result.success)
      await this.scoreboard.recordSuccess(engine.name, result.latency_ms, result.tokens ?? 0);
    else await this.scoreboard.recordFailure(engine.name);
    return { engine: engine.name, ...this.scoreboard.snapshot(engine) };
  }

  health() {
    return {
      engines: this.engines.list().map((p) => ({
        engine: p.name,
        tier: p.tier,
        healthy: this.scoreboard.breaker(p.name).state !== 'open' && !this.scoreboard.overBudget(p),
        ...this.scoreboard.snapshot(p),
      })),
    };
  }
}
