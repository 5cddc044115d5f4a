import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import type { Severity } from '../../../core/events/event-bus.service';
import { EVENT_TYPE, MAX_TYPE_LENGTH } from '../event-filter';
import { SEVERITIES } from '../event-view';

/** A full ISO-8601 date-time with a zone (stored normalized to UTC with Z). */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
export const SOURCE = /^[A-Za-z0-9_.:-]{1,64}$/;
export const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Body of POST /events/ingest: the envelope of CONTRACT §6 minus what the server assigns.
 * Validated by IngestBodyPipe (ingest-body.pipe.ts), whose fast path must accept no more than
 * these decorators do: change both together.
 */
export class IngestEventDto {
  @ApiProperty({ example: 'switch.tension.updated', maxLength: MAX_TYPE_LENGTH })
  @IsString()
  @MaxLength(MAX_TYPE_LENGTH)
  @Matches(EVENT_TYPE, { message: 'type must be dot-separated words, e.g. "system.alert"' })
  type: string;

  @ApiPropertyOptional({ example: 'monitoring', default: 'external' })
  @IsOptional()
  @IsString()
  @Matches(SOURCE, { message: 'source must be 1-64 of [A-Za-z0-9_.:-]' })
  source?: string;

  @ApiPropertyOptional({ enum: SEVERITIES, default: 'info' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ description: "Defaults to the request's correlation id" })
  @IsOptional()
  @IsString()
  @Matches(CORRELATION_ID, {
    message: 'correlation_id must be 1-128 of [A-Za-z0-9._:-]',
  })
  correlation_id?: string;

  @ApiPropertyOptional({ example: '2026-01-02T03:04:05.678Z', description: 'Defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE_TIME, { message: 'timestamp must be an ISO-8601 date-time with a time zone' })
  timestamp?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { value: 3, components: {} },
  })
  @IsObject()
  payload: Record<string, unknown>;
}
