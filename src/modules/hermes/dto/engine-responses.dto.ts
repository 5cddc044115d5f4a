import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BreakerSnapshotDto } from '../../../core/http/openapi-schemas';

export class ProviderBudgetDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: no daily budget' })
  daily_tokens: number | null;

  @ApiProperty({ type: 'integer', description: 'Tokens used this UTC day' })
  used_today: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null: no daily budget' })
  remaining: number | null;

  @ApiProperty()
  over_budget: boolean;
}

/** A provider's standing on the scoreboard (what routing goes by). */
export class ProviderStatsDto {
  @ApiProperty({
    minimum: 0,
    maximum: 1,
    description: 'From success rate, latency, budget headroom; 0 with an open breaker',
    example: 0.725,
  })
  score: number;

  @ApiProperty({ type: BreakerSnapshotDto })
  breaker: BreakerSnapshotDto;

  @ApiProperty({ type: 'integer' })
  successes: number;

  @ApiProperty({ type: 'integer' })
  failures: number;

  @ApiProperty({ type: Number, nullable: true, description: 'null before the first answer' })
  latency_ewma_ms: number | null;

  @ApiProperty({ type: ProviderBudgetDto })
  budget: ProviderBudgetDto;
}

/** An engine as hermes shows it: the name of its key variable, never a key. */
export class EngineDto extends ProviderStatsDto {
  @ApiProperty({ example: 'local-llama' })
  name: string;

  @ApiProperty({ enum: ['switch', 'madre'] })
  tier: 'switch' | 'madre';

  @ApiProperty({ example: 'http://127.0.0.1:11434/v1' })
  base_url: string;

  @ApiProperty({ example: 'llama3' })
  model: string;

  @ApiProperty({ type: String, nullable: true, example: 'OPENAI_API_KEY' })
  api_key_env: string | null;

  @ApiProperty({ description: 'The key variable is set (and the engine may use it)' })
  api_key_present: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the key variable may not be used (no key is sent then)',
  })
  api_key_refused: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  timeout_ms: number | null;

  @ApiProperty({ type: 'integer' })
  priority: number;

  @ApiProperty({ type: 'integer', nullable: true })
  daily_token_budget: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Price per 1000 tokens' })
  cost_per_1k_tokens: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Calls in flight at once' })
  max_concurrency: number | null;

  @ApiProperty({ enum: ['config', 'runtime'], description: 'From config, or registered here' })
  source: 'config' | 'runtime';

  @ApiProperty({ type: [String], nullable: true, description: 'From the last discovery' })
  models: string[] | null;
}

/** GET /hermes/engines */
export class EngineListDto {
  @ApiProperty({ type: [EngineDto] })
  engines: EngineDto[];
}

/** DELETE /hermes/engines/:name */
export class EngineDeletedDto {
  @ApiProperty({ example: 'local-llama' })
  deleted: string;
}

export class DiscoveredEngineDto {
  @ApiProperty({ example: 'local-llama' })
  engine: string;

  @ApiProperty()
  ok: boolean;

  @ApiPropertyOptional({ type: [String], description: 'When ok' })
  models?: string[];

  @ApiPropertyOptional({ description: 'When not ok' })
  error?: string;
}

/** POST /hermes/discover */
export class DiscoveryDto {
  @ApiProperty({ type: [DiscoveredEngineDto] })
  engines: DiscoveredEngineDto[];
}
