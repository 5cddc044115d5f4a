import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../../core/config/app-config';
import { ApiError } from '../../../core/errors/api-error';
import { hijackResponse } from '../../../core/http/hijack-response';
import { describeError, guarded } from '../../../core/util/guarded';
import type { EventFilter } from '../event-filter';
import { viewOfRow } from '../event-view';
import { EventsMetrics } from '../events-metrics';
import { LedgerStore } from '../ledger/ledger-store';
import { FeedBatch } from './feed-batch';
import { FeedHub } from './feed-hub';
import { SseSubscriber } from './sse-subscriber';
import { CoreErrors } from '../../../core/errors/core-errors';

/** Most stored events replayed to a client reconnecting with Last-Event-ID. */
const MAX_CATCH_UP = 1000;
/** What EventSource waits before it reconnects. */
const RETRY_MS = 3000;

export function wantsEventStream(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return value.toLowerCase().includes('text/event-stream');
}

/**
 * The SSE side of GET /operator/api/events: takes the response over from Fastify, replays what
 * a reconnecting client missed (Last-Event-ID), then streams each group commit as `id:`/`data:`
 * messages with heartbeat comments in between.
 */
@Injectable()
export class SseFeed implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('SseFeed');
  private readonly streams = new Set<SseSubscriber>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly hub: FeedHub,
    private readonly store: LedgerStore,
    private readonly metrics: EventsMetrics,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const beat = guarded('SSE heartbeat', (stream: SseSubscriber) => stream.heartbeat(), {
      logger: this.logger,
      onError: (_err, stream) => this.end(stream),
    });
    this.heartbeat = setInterval(
      guarded('SSE heartbeats', () => [...this.streams].forEach((stream) => beat(stream)), {
        logger: this.logger,
      }),
      this.config.events.heartbeatSec * 1000,
    );
    this.heartbeat.unref();
  }

  /** Ends every stream so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const stream of [...this.streams]) {
      this.hub.remove(stream);
      stream.close();
    }
    this.streams.clear();
  }

  open(request: FastifyRequest, reply: FastifyReply, filter: EventFilter): void {
    if (this.closing) throw new ApiError(CoreErrors.shutting_down, 'VX11 is shutting down');
    const lastEventId = parseLastEventId(request.headers['last-event-id']);
    // Read before taking the response over: a failure here is still an ordinary error reply.
    const missed =
      lastEventId === undefined
        ? null
        : new FeedBatch(this.store.since(filter, lastEventId, MAX_CATCH_UP).map(viewOfRow));
    const clientId = randomUUID();
    const res = hijackResponse(reply);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
    });
    res.socket?.setNoDelay(true);
    const stream = new SseSubscriber(res, filter, this.config.events.maxBufferedBytes, () => {
      this.metrics.droppedClient('sse', 'slow');
      this.logger.warn('dropped SSE client (slow)');
    });
    stream.write(`retry: ${RETRY_MS}\n: connected ${clientId}\n\n`);
    const chunk = missed?.sseChunk(filter);
    if (chunk) stream.write(chunk);
    // Same tick as the catch-up read: no commit can fall between the two.
    this.streams.add(stream);
    this.hub.add(stream);
    res.on('error', (err) => this.logger.debug(`SSE response: ${describeError(err)}`));
    res.on(
      'close',
      guarded('SSE close', () => this.forget(stream), { logger: this.logger }),
    );
  }

  private forget(stream: SseSubscriber): void {
    this.streams.delete(stream);
    this.hub.remove(stream);
  }

  /** Cuts a stream that cannot be written to; its 'close' would do the same, later. */
  private end(stream: SseSubscriber): void {
    this.forget(stream);
    stream.terminate();
  }
}

function parseLastEventId(raw: string | string[] | undefined): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
