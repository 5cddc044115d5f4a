import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import {
  FREE_FORM_OBJECT,
  FREE_FORM_PROPERTY,
  MODULE_STATE_PROPERTY,
  MODULE_STATE_SCHEMA,
} from '../../../core/http/openapi-schemas';
import type { ModuleState } from '../../../core/registry/lifecycle';
import { WindowViewDto } from '../../madre/power/dto/power-responses.dto';
import { LastCheckDto } from '../../madre/health/dto/health-responses.dto';

const FALLBACK_SOURCES = ['switch', 'madre', 'local_llm_degraded'];
const STATE_MAP: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: MODULE_STATE_SCHEMA,
  example: { switch: 'off', hermes: 'active' },
};

/** GET /operator/api/health (public) */
export class OperatorHealthDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ enum: ['operator_backend'] })
  service: 'operator_backend';
}

/** POST /operator/api/chat: always an answer (CONTRACT §4), from the best tier awake. */
export class ChatAnswerDto {
  @ApiProperty({ format: 'uuid' })
  message_id: string;

  @ApiProperty({ example: 'c2a1…', description: 'Give it back to continue the session' })
  session_id: string;

  @ApiProperty()
  response: string;

  @ApiProperty({ example: 'vx11-local-degraded' })
  model: string;

  @ApiProperty({ example: 'local' })
  provider: string;

  @ApiProperty({ enum: FALLBACK_SOURCES, description: 'Which tier answered' })
  fallback_source: string;

  @ApiProperty({ description: 'false only when switch answered' })
  degraded: boolean;

  @ApiProperty()
  correlation_id: string;

  @ApiProperty({ example: 12.5 })
  latency_ms: number;
}

export class ChatMessageDto {
  @ApiProperty({ format: 'uuid' })
  message_id: string;

  @ApiProperty({ enum: ['user', 'assistant'] })
  role: 'user' | 'assistant';

  @ApiProperty()
  content: string;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;

  @ApiProperty()
  correlation_id: string;

  @ApiPropertyOptional({ enum: FALLBACK_SOURCES, nullable: true, description: 'Answers only' })
  fallback_source?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Answers only' })
  provider?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Answers only' })
  model?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Answers only' })
  latency_ms?: number | null;
}

/** GET /operator/session/:id */
export class ChatSessionDto {
  @ApiProperty()
  session_id: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: 'integer' })
  message_count: number;

  @ApiProperty({ type: [ChatMessageDto], description: 'Oldest first' })
  messages: ChatMessageDto[];
}

export class CoreServicesDto {
  @ApiProperty(MODULE_STATE_PROPERTY)
  madre: ModuleState;

  @ApiProperty({ enum: ['up', 'down'] })
  redis: 'up' | 'down';

  @ApiProperty(MODULE_STATE_PROPERTY)
  tentaculo_link: ModuleState;

  @ApiProperty(MODULE_STATE_PROPERTY)
  operator: ModuleState;

  @ApiProperty({ enum: ['ok', 'error'] })
  db: 'ok' | 'error';
}

/** GET /operator/api/status: computed from the registry, Redis and the database. */
export class OperatorStatusDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] })
  status: string;

  @ApiProperty({ example: 'solo_madre' })
  policy: string;

  @ApiProperty({ enum: ['solo_madre', 'windowed', 'full'] })
  mode: string;

  @ApiProperty({ type: CoreServicesDto })
  core_services: CoreServicesDto;

  @ApiProperty({ ...STATE_MAP, description: 'Every optional module by name: its state' })
  optional_services: Record<string, ModuleState>;

  @ApiProperty({ description: 'Chat would not come from switch now' })
  degraded: boolean;

  @ApiProperty({ type: WindowViewDto, nullable: true })
  window: WindowViewDto | null;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;
}

export class ModuleLastHealthDto extends LastCheckDto {
  @ApiPropertyOptional({ ...FREE_FORM_PROPERTY, description: 'Figures the check measured' })
  data?: Record<string, unknown>;
}

export class ModuleViewDto {
  @ApiProperty({ example: 'switch' })
  name: string;

  @ApiProperty({ example: 'Switch' })
  label: string;

  @ApiProperty({ example: 'chat routing across providers' })
  role: string;

  @ApiProperty({ enum: ['core', 'optional'] })
  category: 'core' | 'optional';

  @ApiProperty({
    // null matches the first branch only (OpenAPI 3.0: nullable needs a type beside it)
    oneOf: [
      { type: 'integer', nullable: true },
      { type: 'array', items: { type: 'integer' } },
    ],
    description: 'Legacy port(s) (topology metadata only)',
  })
  port: number | number[] | null;

  @ApiProperty(MODULE_STATE_PROPERTY)
  state: ModuleState;

  @ApiProperty({ format: 'date-time' })
  since: string;

  @ApiProperty({ type: String, nullable: true })
  last_error: string | null;

  @ApiProperty({
    type: ModuleLastHealthDto,
    nullable: true,
    description: "The health monitor's last check since the module's last change (active only)",
  })
  health: ModuleLastHealthDto | null;
}

/** GET /operator/api/modules */
export class ModuleListDto {
  @ApiProperty({ type: [ModuleViewDto] })
  modules: ModuleViewDto[];
}

export class MetricSampleDto {
  @ApiProperty({ example: 'rss_mb' })
  name: string;

  @ApiProperty({ type: String, nullable: true, description: 'The module it is about, if one' })
  module: string | null;

  @ApiProperty({ example: 182.3 })
  value: number;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

/** GET /operator/api/metrics: oldest first. */
export class MetricSamplesDto {
  @ApiProperty({ type: 'integer' })
  window_seconds: number;

  @ApiProperty({ type: 'integer', description: 'Seconds between samples' })
  interval_sec: number;

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiProperty({ type: [MetricSampleDto] })
  samples: MetricSampleDto[];
}

export class CapabilitiesDataDto {
  @ApiProperty({ enum: ['solo_madre', 'windowed', 'full'] })
  operational_mode: string;

  @ApiProperty({ example: 'solo_madre' })
  policy: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['on', 'dormant', 'off'] },
    description: 'Every module, plus chat, full_chat and queues',
    example: { madre: 'on', switch: 'dormant', chat: 'on', full_chat: 'dormant', queues: 'on' },
  })
  features: Record<string, 'on' | 'dormant' | 'off'>;

  @ApiProperty({ type: [String], description: 'Optional modules that are off' })
  dormant_services: string[];
}

/** GET or POST /operator/capabilities */
export class CapabilitiesDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: CapabilitiesDataDto })
  data: CapabilitiesDataDto;
}

/** GET and POST /operator/api/settings: every preference, after the merge. */
export class OperatorSettingsViewDto {
  @ApiProperty({ enum: ['dark', 'light'] })
  theme: 'dark' | 'light';

  @ApiProperty({ enum: ['en', 'es'] })
  language: 'en' | 'es';

  @ApiProperty({ type: 'integer', example: 300 })
  default_window_ttl_sec: number;

  @ApiProperty({ type: 'integer', example: 5 })
  refresh_interval_sec: number;

  @ApiProperty({ type: [String], description: 'Empty: all' })
  event_types: string[];
}

/**
 * GET /operator/api/config: the configuration in effect (config/ defaults, the config file,
 * environment overrides), secrets redacted. Its fields are those of config/default.json.
 */
export class EffectiveConfigDto {
  @ApiProperty({ example: '127.0.0.1' })
  host: string;

  @ApiProperty({ type: 'integer', example: 8000 })
  port: number;

  @ApiProperty({ enum: ['token', 'off'] })
  authMode: 'token' | 'off';

  @ApiProperty({ type: String, enum: ['[redacted]'], nullable: true, description: 'Set or not' })
  token: string | null;

  @ApiProperty({ example: 'redis://127.0.0.1:6379', description: 'Password masked' })
  redisUrl: string;

  @ApiProperty({
    type: 'array',
    items: { ...FREE_FORM_OBJECT, properties: { api_key_present: { type: 'boolean' } } },
    description: 'Providers with the name of their key variable and whether it is set',
  })
  providers: object[];
}
