import { ApiProperty } from '@nestjs/swagger';
import { FREE_FORM_PROPERTY, SEVERITY_PROPERTY } from '../../../core/http/openapi-schemas';

/** POST /events/ingest: answered once the event is committed to the ledger. */
export class IngestedEventDto {
  @ApiProperty({ enum: ['received'] })
  status: 'received';

  @ApiProperty({ format: 'uuid' })
  event_id: string;

  @ApiProperty({ description: 'A canonical type with its required payload fields' })
  canonical: boolean;
}

/** An event: the envelope of CONTRACT §6 plus its ledger id. */
export class EventViewDto {
  @ApiProperty({ type: 'integer', description: 'Ledger id (the next_before cursor)' })
  id: number;

  @ApiProperty({ format: 'uuid' })
  event_id: string;

  @ApiProperty({ example: 'window.opened' })
  type: string;

  @ApiProperty({ example: 'madre' })
  source: string;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;

  @ApiProperty({ type: String, nullable: true })
  correlation_id: string | null;

  @ApiProperty(SEVERITY_PROPERTY)
  severity: string;

  @ApiProperty(FREE_FORM_PROPERTY)
  payload: Record<string, unknown>;

  @ApiProperty()
  canonical: boolean;
}

/** GET /operator/api/events: newest first. */
export class EventPageDto {
  @ApiProperty({ type: [EventViewDto] })
  events: EventViewDto[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Pass as ?before= for the next page; null on the last one',
  })
  next_before: number | null;
}

/** GET /events/ledger/verify */
export class LedgerVerifyDto {
  @ApiProperty({ description: 'Every row links to the previous one and carries its own hash' })
  ok: boolean;

  @ApiProperty({ type: 'integer', description: 'Rows walked' })
  length: number;

  @ApiProperty({ type: String, nullable: true, description: 'sha256 of the last row' })
  head_hash: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The first row that fails' })
  first_bad_id: number | null;
}

/** POST /operator/api/events/sse-token */
export class SseTokenDto {
  @ApiProperty({ example: 'vx11feed_…', description: 'Send as ?token= to the live feeds' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;

  @ApiProperty({ type: 'integer', example: 60 })
  ttl_sec: number;
}
