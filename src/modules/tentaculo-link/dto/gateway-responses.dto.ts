import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BreakerSnapshotDto,
  MODULE_STATE_PROPERTY,
  MODULE_STATE_SCHEMA,
} from '../../../core/http/openapi-schemas';
import type { ModuleState } from '../../../core/registry/lifecycle';

/** GET /health */
export class GatewayHealthDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ enum: ['tentaculo_link'] })
  module: 'tentaculo_link';

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ type: 'integer', description: 'Seconds since the process started' })
  uptime_s: number;
}

export class RedisStatusDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiPropertyOptional({ description: 'Round trip of a PING (when up)', example: 0.42 })
  latency_ms?: number;

  @ApiPropertyOptional({ description: 'Why it is down' })
  error?: string;

  @ApiProperty({ format: 'date-time', description: 'Up or down since' })
  since: string;
}

export class DbStatusDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: 'ok' | 'error';

  @ApiPropertyOptional()
  error?: string;
}

/** GET /vx11/status (public: no secrets). */
export class SystemStatusDto {
  @ApiProperty({
    enum: ['ok', 'degraded', 'down'],
    description: 'down: no database; degraded: a core module, Redis or a module failed',
  })
  status: 'ok' | 'degraded' | 'down';

  @ApiProperty({ enum: ['solo_madre', 'windowed', 'full'] })
  mode: 'solo_madre' | 'windowed' | 'full';

  @ApiProperty({ example: 'solo_madre' })
  policy: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: MODULE_STATE_SCHEMA,
    description: 'Every module by name: its state',
    example: { madre: 'active', switch: 'off' },
  })
  modules: Record<string, ModuleState>;

  @ApiProperty()
  madre_available: boolean;

  @ApiProperty()
  switch_available: boolean;

  @ApiProperty()
  spawner_available: boolean;

  @ApiProperty({ type: RedisStatusDto })
  redis: RedisStatusDto;

  @ApiProperty({ type: DbStatusDto })
  db: DbStatusDto;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;
}

export class TopologyNodeDto {
  @ApiProperty({ example: 'madre' })
  id: string;

  @ApiProperty({ example: 'Madre' })
  label: string;

  @ApiProperty(MODULE_STATE_PROPERTY)
  state: ModuleState;

  @ApiProperty({
    // null matches the first branch only (OpenAPI 3.0: nullable needs a type beside it)
    oneOf: [
      { type: 'integer', nullable: true },
      { type: 'array', items: { type: 'integer' } },
    ],
    description: 'Legacy port(s) of the module (topology metadata only)',
    example: 8001,
  })
  port: number | number[] | null;

  @ApiProperty({ example: 'control plane, power manager, maintenance, intents' })
  role: string;

  @ApiProperty({ enum: ['core', 'optional'] })
  category: 'core' | 'optional';
}

export class TopologyEdgeDto {
  @ApiProperty({ example: 'madre' })
  from: string;

  @ApiProperty({ example: 'switch' })
  to: string;

  @ApiProperty({ example: 'power' })
  label: string;
}

export class TopologyCountsDto {
  @ApiProperty({ type: 'integer', description: 'Modules active' })
  services_up: number;

  @ApiProperty({ type: 'integer' })
  total_services: number;

  @ApiProperty({ type: 'integer', description: 'Modules off' })
  dormant_services: number;
}

/** GET /api/map: the live registry as a graph. */
export class TopologyMapDto {
  @ApiProperty({ type: [TopologyNodeDto] })
  nodes: TopologyNodeDto[];

  @ApiProperty({ type: [TopologyEdgeDto] })
  edges: TopologyEdgeDto[];

  @ApiProperty({ type: TopologyCountsDto })
  counts: TopologyCountsDto;
}

/** GET /vx11/circuit-breaker/status */
export class BreakerStatusDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/BreakerSnapshotDto' },
    description: 'Every circuit breaker by name (one per provider)',
  })
  breakers: Record<string, BreakerSnapshotDto>;
}
