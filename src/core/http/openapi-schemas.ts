import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { Severity } from '../events/event-bus.service';
import { MODULE_STATES } from '../registry/lifecycle';

/* Schemas of core types that the answers of several modules embed. */

/** A module's state, as a schema (inside a map) and as a property. */
export const MODULE_STATE_SCHEMA: SchemaObject = {
  type: 'string',
  enum: [...MODULE_STATES],
  example: 'active',
};
export const MODULE_STATE_PROPERTY: ApiPropertyOptions = { enum: [...MODULE_STATES] };

/** One circuit breaker (src/core/breaker), as /vx11/circuit-breaker/status and hermes show it. */
export class BreakerSnapshotDto {
  @ApiProperty({ enum: ['closed', 'open', 'half_open'] })
  state: 'closed' | 'open' | 'half_open';

  @ApiProperty({ type: 'integer', description: 'Consecutive failures', example: 0 })
  failure_count: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_failure_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  opened_at: string | null;
}

const SEVERITIES: Severity[] = ['debug', 'info', 'warning', 'error', 'critical'];
export const SEVERITY_PROPERTY: ApiPropertyOptions = { enum: SEVERITIES, example: 'info' };

/** Free-form figures (a health check's data, a report step): an object of any fields. */
export const FREE_FORM_OBJECT: SchemaObject = { type: 'object', additionalProperties: true };
export const FREE_FORM_PROPERTY: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: true,
};
