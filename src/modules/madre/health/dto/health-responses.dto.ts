import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FREE_FORM_PROPERTY,
  MODULE_STATE_PROPERTY,
  SEVERITY_PROPERTY,
} from '../../../../core/http/openapi-schemas';
import type { ModuleState } from '../../../../core/registry/lifecycle';
import { INCIDENT_STATUSES, IncidentStatus } from '../incident.entity';
import { SEVERITY_LEVELS, SeverityLevel } from '../incident-severity';

const CYCLE_TRIGGERS = ['scheduled', 'local', 'manual'];

/** One module's answer to a health check. */
export class HealthCheckDto {
  @ApiProperty({ example: 'madre' })
  module: string;

  @ApiProperty()
  ok: boolean;

  @ApiProperty({ example: 3.2 })
  latency_ms: number;

  @ApiProperty({ example: 'database ok, redis 0.4 ms, workers and schedules running' })
  detail: string;

  @ApiPropertyOptional({
    description: 'Set when the failure lies outside the module (no restart then)',
    example: 'redis',
  })
  dependency?: string;

  @ApiPropertyOptional({ ...FREE_FORM_PROPERTY, description: 'Figures the check measured' })
  data?: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  checked_at: string;
}

/** A check as one cycle judged it: the streak so far, and whether it restarted the module. */
export class CycleCheckDto extends HealthCheckDto {
  @ApiProperty({ type: 'integer' })
  consecutive_failures: number;

  @ApiProperty({ description: 'This check restarted the module' })
  restart: boolean;
}

export class CycleSummaryDto {
  @ApiProperty({ enum: CYCLE_TRIGGERS })
  trigger: string;

  @ApiProperty({ format: 'date-time' })
  started_at: string;

  @ApiProperty({ format: 'date-time' })
  finished_at: string;

  @ApiProperty({ description: 'Every check passed' })
  passed: boolean;

  @ApiProperty({ type: 'integer', description: 'Modules checked' })
  total: number;

  @ApiProperty({ type: 'integer' })
  failing: number;
}

/** POST /madre/health/run: the whole report of the cycle. */
export class HealthCycleDto extends CycleSummaryDto {
  @ApiProperty({ type: [CycleCheckDto] })
  results: CycleCheckDto[];
}

export class LastCheckDto {
  @ApiProperty()
  ok: boolean;

  @ApiProperty()
  detail: string;

  @ApiProperty()
  latency_ms: number;

  @ApiProperty({ format: 'date-time' })
  checked_at: string;
}

export class ModuleHealthTrackDto {
  @ApiProperty({ example: 'switch' })
  module: string;

  @ApiProperty(MODULE_STATE_PROPERTY)
  state: ModuleState;

  @ApiProperty({ type: LastCheckDto, nullable: true })
  last_check: LastCheckDto | null;

  @ApiProperty({ type: 'integer' })
  consecutive_failures: number;

  @ApiProperty({ type: 'integer' })
  consecutive_successes: number;

  @ApiProperty({ type: 'integer', description: 'Restarts since it was last healthy' })
  restarts: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  next_restart_not_before: string | null;
}

/** GET /madre/health/status */
export class HealthMonitorStatusDto {
  @ApiProperty({ description: 'Seconds between scheduled cycles', example: 60 })
  interval_sec: number;

  @ApiProperty()
  scheduler_running: boolean;

  @ApiProperty({ type: CycleSummaryDto, nullable: true })
  last_cycle: CycleSummaryDto | null;

  @ApiProperty({ type: [ModuleHealthTrackDto] })
  modules: ModuleHealthTrackDto[];
}

export class IncidentDto {
  @ApiProperty({ pattern: '^[0-9a-f]{24}$', description: 'Stable: kind + title + source' })
  id: string;

  @ApiProperty({ example: 'health_check' })
  kind: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ example: 'health_monitor' })
  source: string;

  @ApiProperty(SEVERITY_PROPERTY)
  severity: string;

  @ApiProperty({
    enum: SEVERITY_LEVELS,
    description:
      'S1 data loss or ledger broken, S2 core module down, S3 optional module failing or chat degraded, S4 metrics/logs',
  })
  severity_level: SeverityLevel;

  @ApiProperty({ enum: INCIDENT_STATUSES })
  status: IncidentStatus;

  @ApiProperty({ type: 'integer', description: 'Times seen' })
  count: number;

  @ApiProperty({ type: String, nullable: true })
  detail: string | null;

  @ApiProperty({ format: 'date-time' })
  first_seen_at: string;

  @ApiProperty({ format: 'date-time' })
  last_seen_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  acknowledged_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolved_at: string | null;

  @ApiProperty({
    type: String,
    enum: ['health_monitor', 'operator'],
    nullable: true,
    description: 'Who resolved it',
  })
  resolved_by: string | null;
}

/** GET /operator/api/incidents */
export class IncidentListDto {
  @ApiProperty({ enum: INCIDENT_STATUSES, nullable: true, description: 'The ?status= filter' })
  status: IncidentStatus | null;

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiProperty({ type: [IncidentDto], description: 'Newest first' })
  incidents: IncidentDto[];
}

export class HealthHistoryItemDto {
  @ApiProperty({ example: 'madre' })
  module: string;

  @ApiProperty()
  ok: boolean;

  @ApiProperty()
  latency_ms: number;

  @ApiProperty()
  detail: string;

  @ApiProperty({ format: 'date-time' })
  checked_at: string;
}

/** GET /operator/api/health/history */
export class HealthHistoryDto {
  @ApiProperty({ type: String, nullable: true, description: 'The ?module= filter' })
  module: string | null;

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiProperty({ type: [HealthHistoryItemDto], description: 'Newest first' })
  items: HealthHistoryItemDto[];
}
