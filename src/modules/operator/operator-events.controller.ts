import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FeedRoute } from '../../core/auth/feed-route.decorator';
import { ApiError } from '../../core/errors/api-error';
import { ListEventsQuery } from '../events/dto/list-events.dto';
import { EventFilter, FilterTermError } from '../events/event-filter';
import { EventsService } from '../events/events.service';
import { FeedTokens } from '../events/feeds/feed-tokens.service';
import { SseFeed, wantsEventStream } from '../events/feeds/sse-feed.service';
import { ApiErrors } from '../../core/http/openapi-errors';
import { EventPageDto, SseTokenDto } from '../events/dto/event-responses.dto';
import { CoreErrors } from '../../core/errors/core-errors';

const DEFAULT_LIMIT = 50;

@ApiTags('operator')
@ApiExtraModels(EventPageDto)
@Controller('operator/api/events')
export class OperatorEventsController {
  constructor(
    private readonly events: EventsService,
    private readonly sse: SseFeed,
    private readonly tokens: FeedTokens,
  ) {}

  /** One route, two faces: a JSON page, or (Accept: text/event-stream) the live SSE feed. */
  @Get()
  @FeedRoute((headers) => wantsEventStream(headers.accept))
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'Stored events, newest first ({events, next_before}); or a live SSE stream',
    description:
      'With Accept: text/event-stream: a live stream (type/severity filters apply; Last-Event-ID replays what was missed); the token may then be sent as ?token= (an SSE token or the operator token).',
  })
  @ApiOkResponse({
    description: 'A page of events; or, with Accept: text/event-stream, the live stream',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(EventPageDto) } },
      'text/event-stream': {
        schema: {
          type: 'string',
          description:
            'Server-sent events: `id:` the ledger id, `event:` the type, `data:` the event as JSON',
        },
      },
    },
  })
  @ApiErrors([400, 'Invalid query (validation_failed)'], [503, 'Shutting down (shutting_down)'])
  list(
    @Query() query: ListEventsQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const filter = filterOf(query);
    if (wantsEventStream(request.headers.accept)) {
      this.sse.open(request, reply, filter);
      return;
    }
    void reply.send(this.events.list(filter, query.before, query.limit ?? DEFAULT_LIMIT));
  }

  @Post('sse-token')
  @ApiOperation({
    operationId: 'issueSseToken',
    summary: 'A short-lived token for EventSource/WebSocket clients that cannot send headers',
    description:
      'Valid for the live feeds only (SSE here, WS /ws), for events.sseTokenTtlSec (60 s).',
  })
  @ApiCreatedResponse({ type: SseTokenDto })
  sseToken() {
    return this.tokens.issue();
  }
}

/** The listing's filter; a term the DTO's pattern let through but the filter refuses is a 400. */
function filterOf(query: ListEventsQuery): EventFilter {
  try {
    return EventFilter.fromQuery(query.type, query.severity);
  } catch (err) {
    if (!(err instanceof FilterTermError)) throw err;
    throw new ApiError(CoreErrors.validation_failed, `Invalid fields: ${err.field}`, [
      { field: err.field, errors: [err.message] },
    ]);
  }
}
