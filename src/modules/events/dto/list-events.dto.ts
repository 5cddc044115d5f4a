import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SEVERITIES } from '../event-view';

const TYPE_TERM = '(?:\\*|[A-Za-z][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*(?:\\.\\*)?)';
const TYPE_LIST = new RegExp(`^${TYPE_TERM}(?:,${TYPE_TERM})*$`);
const SEVERITY_TERM = `(?:${SEVERITIES.join('|')})`;
const SEVERITY_LIST = new RegExp(`^${SEVERITY_TERM}(?:,${SEVERITY_TERM})*$`);

/** Query of GET /operator/api/events (the page, and the SSE stream's filters). */
export class ListEventsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Only events with a smaller id (the next_before cursor)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @ApiPropertyOptional({
    description: 'Comma-separated types; "prefix.*" matches a family',
    example: 'window.opened,system.*',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(TYPE_LIST, { message: 'type must be a comma-separated list of event types' })
  type?: string;

  @ApiPropertyOptional({ description: `Comma-separated, of ${SEVERITIES.join(', ')}` })
  @IsOptional()
  @IsString()
  @Matches(SEVERITY_LIST, {
    message: `severity must be a comma-separated list of ${SEVERITIES.join(', ')}`,
  })
  severity?: string;

  @ApiPropertyOptional({
    description:
      'SSE only: the token from POST /operator/api/events/sse-token (EventSource cannot send headers)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  token?: string;
}
