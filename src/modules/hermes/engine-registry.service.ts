import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { ApiKeyEnvPolicy } from './api-key-env-policy';
import { EngineEntity } from './engine.entity';
import { HermesErrors } from './hermes-errors';
import { Provider } from './provider';

/** Every provider VX11 may call: the ones in config plus engines registered at runtime. */
@Injectable()
export class EngineRegistry implements OnModuleInit {
  private readonly logger = new Logger('Hermes');
  private readonly fromConfig: Provider[];
  private runtime = new Map<string, Provider>();
  readonly keyPolicy: ApiKeyEnvPolicy;

  constructor(
    config: AppConfig,
    @InjectRepository(EngineEntity) private readonly engines: Repository<EngineEntity>,
  ) {
    this.keyPolicy = new ApiKeyEnvPolicy(config);
    this.fromConfig = config.providers.map((p) => ({
      ...p,
      priority: p.priority ?? 0,
      source: 'config' as const,
    }));
  }

  async onModuleInit(): Promise<void> {
    const rows = await this.engines.find();
    this.runtime = new Map(rows.map((row) => [row.name, this.fromRow(row)]));
  }

  list(): Provider[] {
    return [...this.fromConfig, ...this.runtime.values()];
  }

  byTier(tier: Provider['tier']): Provider[] {
    return this.list().filter((p) => p.tier === tier);
  }

  get(name: string): Provider | undefined {
    return this.list().find((p) => p.name === name);
  }

  async add(engine: Omit<EngineEntity, 'created_at' | 'models'>): Promise<Provider> {
    if (this.get(engine.name)) {
      throw new ApiError(
        HermesErrors.engine_exists,
        `An engine named ${engine.name} is already registered`,
      );
    }
    if (engine.api_key_env) {
      const verdict = this.keyPolicy.check(engine.api_key_env);
      if (!verdict.allowed) {
        throw new ApiError(
          HermesErrors.api_key_env_not_allowed,
          `${verdict.reason}: ${ApiKeyEnvPolicy.RULE}`,
          [{ field: 'api_key_env', errors: [verdict.reason] }],
        );
      }
    }
    const row: EngineEntity = { ...engine, models: null, created_at: new Date().toISOString() };
    await this.engines.insert(row);
    const provider = this.fromRow(row);
    this.runtime.set(row.name, provider);
    return provider;
  }

  async remove(name: string): Promise<void> {
    if (this.fromConfig.some((p) => p.name === name)) {
      throw new ApiError(
        HermesErrors.engine_from_config,
        `${name} is defined in config; remove it there`,
      );
    }
    if (!this.runtime.has(name))
      throw new ApiError(HermesErrors.engine_not_found, `No engine named ${name}`);
    await this.engines.delete({ name });
    this.runtime.delete(name);
  }

  /** Records what discovery found; config providers keep it in memory only. */
  async setModels(name: string, models: string[]): Promise<void> {
    const provider = this.get(name);
    if (!provider) return;
    provider.models = models;
    if (provider.source === 'runtime') await this.engines.update({ name }, { models });
  }

  /**
   * An engine stored before the key policy (or under an older config) may name a variable it
   * may not use now: it keeps working, without a key, and says why.
   */
  private fromRow(row: EngineEntity): Provider {
    const verdict = row.api_key_env ? this.keyPolicy.check(row.api_key_env) : undefined;
    const refused = verdict && !verdict.allowed ? verdict.reason : null;
    if (refused) {
      this.logger.warn(`engine ${row.name}: no API key will be sent (${refused})`);
    }
    return {
      name: row.name,
      tier: row.tier,
      base_url: row.base_url,
      model: row.model,
      api_key_env: row.api_key_env,
      api_key_refused: refused,
      timeout_ms: row.timeout_ms,
      priority: row.priority,
      daily_token_budget: row.daily_token_budget,
      cost_per_1k_tokens: row.cost_per_1k_tokens ?? null,
      max_concurrency: row.max_concurrency ?? null,
      models: row.models,
      source: 'runtime',
    };
  }
}
