import { Injectable } from '@nestjs/common';
import { EngineRegistry } from './engine-registry.service';
import { listModels } from './openai-client';
import { Provider } from './provider';
import { ProviderScoreboard } from './provider-scoreboard.service';

const DISCOVERY_TIMEOUT_MS = 5000;

/** What the /hermes routes show of engines, and model discovery across them. */
@Injectable()
export class EngineDiscovery {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly scoreboard: ProviderScoreboard,
  ) {}

  list() {
    return { engines: this.engines.list().map((p) => this.view(p)) };
  }

  async register(engine: Parameters<EngineRegistry['add']>[0]) {
    return this.view(await this.engines.add(engine));
  }

  async remove(name: string) {
    await this.engines.remove(name);
    return { deleted: name };
  }

  /** Asks every engine for its models (`GET {base_url}/models`), in parallel, each bounded. */
  async discover() {
    const results = await Promise.all(
      this.engines.list().map(async (p) => {
        try {
          const models = await listModels(
            p,
            Math.min(p.timeout_ms ?? DISCOVERY_TIMEOUT_MS, DISCOVERY_TIMEOUT_MS),
          );
          await this.engines.setModels(p.name, models);
          return { engine: p.name, ok: true, models };
        } catch (err) {
          return { engine: p.name, ok: false, error: (err as Error).message };
        }
      }),
    );
    return { engines: results };
  }

  /** Public view: the key's env var name is shown, never a key. */
  private view(p: Provider) {
    return {
      name: p.name,
      tier: p.tier,
      base_url: p.base_url,
      model: p.model,
      api_key_env: p.api_key_env ?? null,
      // only for a variable the engine may use: the presence of any other is nobody's business
      api_key_present:
        this.engines.keyPolicy.allows(p.api_key_env) && !p.api_key_refused
          ? Boolean(process.env[p.api_key_env])
          : false,
      api_key_refused: p.api_key_refused ?? null,
      timeout_ms: p.timeout_ms ?? null,
      priority: p.priority,
      daily_token_budget: p.daily_token_budget ?? null,
      cost_per_1k_tokens: p.cost_per_1k_tokens ?? null,
      max_concurrency: p.max_concurrency ?? null,
      source: p.source,
      models: p.models ?? null,
      ...this.scoreboard.snapshot(p),
    };
  }
}
