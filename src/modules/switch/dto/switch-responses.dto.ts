import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SWITCH_MODES, SwitchMode } from '../../../core/config/app-config';
import { ProviderStatsDto } from '../../hermes/dto/engine-responses.dto';

/** POST /switch/chat and POST /madre/chat: a tier without an answer is status "failed", 200. */
export class TierChatResultDto {
  @ApiProperty({ enum: ['ok', 'failed'] })
  status: 'ok' | 'failed';

  @ApiProperty({ type: String, nullable: true, example: 'local-llama' })
  provider: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'llama3' })
  model: string | null;

  @ApiProperty({ type: String, nullable: true })
  content: string | null;

  @ApiProperty({ type: Number, nullable: true })
  latency_ms: number | null;

  @ApiProperty({ type: 'integer' })
  tokens_used: number;

  @ApiPropertyOptional({ description: 'Why earlier providers (or all) did not answer' })
  fallback_reason?: string;
}

export class SwitchProviderDto extends ProviderStatsDto {
  @ApiProperty({ example: 'local-llama' })
  name: string;

  @ApiProperty({ enum: ['switch', 'madre'] })
  tier: 'switch' | 'madre';

  @ApiProperty({ example: 'llama3' })
  model: string;

  @ApiProperty({ enum: ['config', 'runtime'] })
  source: 'config' | 'runtime';

  @ApiProperty({ type: 'integer' })
  priority: number;
}

/** GET /switch/providers: best first. */
export class SwitchProvidersDto {
  @ApiProperty({ enum: SWITCH_MODES })
  mode: SwitchMode;

  @ApiProperty({ type: [SwitchProviderDto] })
  providers: SwitchProviderDto[];
}

/** POST /switch/control (get_mode, set_mode): the mode and the per-call timeout it sets. */
export class SwitchModeDto {
  @ApiProperty({ enum: SWITCH_MODES })
  mode: SwitchMode;

  @ApiProperty({ type: 'integer', example: 8000 })
  timeout_ms: number;
}

/** POST /switch/control (list_modes). */
export class SwitchModeListDto {
  @ApiProperty({ enum: SWITCH_MODES, description: 'The current mode' })
  mode: SwitchMode;

  @ApiProperty({ type: [SwitchModeDto] })
  modes: SwitchModeDto[];
}

/** GET /switch/queue/status: the counts only while Redis is up. */
export class SwitchQueueStatusDto {
  @ApiProperty({ example: 'switch' })
  queue: string;

  @ApiProperty({ enum: ['up', 'down'] })
  redis: 'up' | 'down';

  @ApiPropertyOptional({ type: 'integer', description: 'waiting + delayed' })
  depth?: number;

  @ApiPropertyOptional({ type: 'integer' })
  waiting?: number;

  @ApiPropertyOptional({ type: 'integer' })
  active?: number;

  @ApiPropertyOptional({ type: 'integer' })
  delayed?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'chats this process answered through the queue since it started (answered jobs are not kept in Redis)',
  })
  completed?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'failed jobs kept in Redis (the last 1,000)',
  })
  failed?: number;

  @ApiPropertyOptional({ type: 'integer' })
  paused?: number;
}

export class EngineCandidateDto extends ProviderStatsDto {
  @ApiProperty({ example: 'local-llama' })
  engine: string;

  @ApiProperty({ example: 'llama3' })
  model: string;
}

/** POST /switch/hermes/select_engine */
export class EngineChoiceDto {
  @ApiProperty({ type: String, nullable: true, description: 'null: none could take it' })
  engine: string | null;

  @ApiProperty({ example: 'highest score 0.725 (success rate, latency, budget headroom, …)' })
  reason: string;

  @ApiProperty({ type: [EngineCandidateDto], description: 'Switch-tier engines, best first' })
  candidates: EngineCandidateDto[];
}

/** POST /switch/hermes/record_result: the engine's standing after the result. */
export class EngineResultDto extends ProviderStatsDto {
  @ApiProperty({ example: 'local-llama' })
  engine: string;
}

export class EngineHealthDto extends ProviderStatsDto {
  @ApiProperty({ example: 'local-llama' })
  engine: string;

  @ApiProperty({ enum: ['switch', 'madre'] })
  tier: 'switch' | 'madre';

  @ApiProperty({ description: 'Breaker not open and within budget' })
  healthy: boolean;
}

/** GET /switch/hermes/status */
export class EngineHealthListDto {
  @ApiProperty({ type: [EngineHealthDto] })
  engines: EngineHealthDto[];
}
