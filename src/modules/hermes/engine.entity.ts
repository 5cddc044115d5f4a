import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An engine (OpenAI-compatible provider) registered at runtime through /hermes/engines. */
@Entity('hermes_engines')
export class EngineEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('text')
  tier: 'switch' | 'madre';

  @Column('text')
  base_url: string;

  @Column('text')
  model: string;

  /** Name of the environment variable holding the API key; the key itself is never stored. */
  @Column('text', { nullable: true })
  api_key_env: string | null;

  @Column('integer', { nullable: true })
  timeout_ms: number | null;

  @Column('integer', { default: 0 })
  priority: number;

  @Column('integer', { nullable: true })
  daily_token_budget: number | null;

  /** Price per 1000 tokens, for the budget downgrade. */
  @Column('real', { nullable: true })
  cost_per_1k_tokens: number | null;

  /** Calls in flight at once; unlimited when null. */
  @Column('integer', { nullable: true })
  max_concurrency: number | null;

  /** Models the engine reported at the last discovery. */
  @Column('simple-json', { nullable: true })
  models: string[] | null;

  @Column('text')
  created_at: string;
}
