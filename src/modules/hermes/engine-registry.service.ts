import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { EngineEntity } from './engine.entity';
import { Provider } from './provider';

/** Every provider VX11 may call: the ones in config plus engines registered at runtime. */
@Injectable()
export class EngineRegistry implements OnModuleInit {
  private readonly fromConfig: Provider[];
  private runtime = new Map<string, Provider>();

  constructor(
    config: AppConfig,
    @InjectRepository(EngineEntity) private readonly engines: Repository<EngineEntity>,
  ) {
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
        409,
        'engine_exists',
        `An engine named ${engine.name} is already registered`,
      );
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
        409,
        'engine_from_config',
        `${name} is defined in config; remove it there`,
      );
    }
    if (!this.runtime.has(name))
      throw new ApiError(404, 'engine_not_found', `No engine named ${name}`);
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

  private fromRow(row: EngineEntity): Provider {
    return {
      name: row.name,
      tier: row.tier,
      base_url: row.base_url,
      model: row.model,
      api_key_env: row.api_key_env,
      timeout_ms: row.timeout_ms,
      priority: row.priority,
      daily_token_budget: row.daily_token_budget,
      models: row.models,
      source: 'runtime',
    };
  }
}
