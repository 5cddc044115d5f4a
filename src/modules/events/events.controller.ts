import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors/api-error';
import { IngestEventDto } from './dto/ingest-event.dto';
import { IngestBodyPipe, IngestEventBody } from './dto/ingest-body.pipe';
import { refuseDeepPayload } from './dto/payload-depth';
import { CheckBody } from '../../core/http/route-config';
import { EventsService } from './events.service';
import { LedgerVerifier } from './ledger/ledger-verifier.service';
import { ApiErrors } from '../../core/http/openapi-errors';
import { IngestedEventDto, LedgerVerifyDto } from './dto/event-responses.dto';
import { EventsErrors } from './events-errors';

@ApiTags('events')
@Controller()
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly verifier: LedgerVerifier,
  ) {}

  @Post('events/ingest')
  @CheckBody(refuseDeepPayload) // before validation, without an interceptor's cost
  @ApiOperation({
    operationId: 'ingestEvent',
    summary: 'Store an event in the ledger and broadcast it',
    description:
      'Canonical types (CONTRACT §6) must carry their payload fields (422 naming them); other types are stored with canonical:false. Answered after the event is committed.',
  })
  @ApiBody({ type: IngestEventDto })
  @ApiCreatedResponse({ type: IngestedEventDto })
  @ApiErrors(
    [400, 'Invalid envelope, or a payload nested too deep (validation_failed)'],
    [413, 'The payload is over events.payloadLimitBytes (payload_too_large)'],
    [422, 'A canonical type without its payload fields (invalid_event_payload, fields named)'],
    [
      429,
      'Over the per-address rate (events.ingestRatePerSec, bursts of events.ingestBurst: rate_limited) or too many events awaiting their commit (events.ingestMaxPending: ingest_backlog_full); Retry-After says when to try again',
    ],
    [503, 'The ledger could not store it (ledger_unavailable); try again'],
  )
  ingest(@Body(IngestBodyPipe) body: IngestEventBody, @Req() request: FastifyRequest) {
    return this.events.ingest(body, request.ip);
  }

  @Get('events/ledger/verify')
  @ApiOperation({
    operationId: 'verifyLedger',
    summary: 'Walk the hash chain of the ledger: {ok, length, head_hash, first_bad_id}',
  })
  @ApiOkResponse({ type: LedgerVerifyDto })
  verify() {
    return this.verifier.verify();
  }

  /** Only a plain HTTP GET gets here; WebSocket upgrades are taken by WsFeedServer. */
  @Get('ws')
  @ApiOperation({
    operationId: 'openEventSocket',
    summary: 'WebSocket feed of live events (upgrade required)',
    description:
      'Connect with a WebSocket client; token by X-VX11-Token, Authorization: Bearer or ?token= (the operator token or an SSE token). Refused upgrades get a plain 401/403. Frames: {"channel":"control","type":"connected","client_id"} on connect, then {"channel":"events","events":[…]} per commit. Send {"action":"subscribe"|"unsubscribe","types":[…]} or {"action":"ping"}.',
  })
  @ApiResponse({
    status: 101,
    description: 'Switching Protocols: the WebSocket feed (with an Upgrade: websocket request)',
  })
  @ApiErrors([426, 'Plain HTTP request: use a WebSocket upgrade (upgrade_required)'])
  upgradeRequired(): never {
    throw new ApiError(
      EventsErrors.upgrade_required,
      'GET /ws is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)',
    );
  }
}
