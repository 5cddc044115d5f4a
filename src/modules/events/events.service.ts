import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { ApiError } from '../../core/errors/api-error';
import { EventBus, VxEvent } from '../../core/events/event-bus.service';
import { canonicalPayloadProblems, isCanonicalType } from './canonical-types';
import type { IngestEventBody } from './dto/ingest-body.pipe';
import { EventFilter } from './event-filter';
import { EventView, viewOfRow } from './event-view';
import { EventsMetrics, Origin } from './events-metrics';
import { FeedHub } from './feeds/feed-hub';
import { IngestLimiter } from './ingest-limiter';
import { canonicalJson } from './ledger/canonical-json';
import { LedgerStore } from './ledger/ledger-store';
import { LedgerWriteError, LedgerWriter } from './ledger/ledger-writer';
import { CoreErrors } from '../../core/errors/core-errors';
import { EventsErrors } from './events-errors';
import { timeOrderedId } from '../../core/util/time-ordered-id';
import { isoNow } from '../../core/util/iso-now';

export interface IngestResult {
  status: 'received';
  event_id: string;
  canonical: boolean;
}

export interface EventPage {
  events: EventView[];
  next_before: number | null;
}

/**
 * Where every event enters the ledger: those other modules emit on the EventBus and those
 * posted to /events/ingest. Each is stored durably (group commit) and then, per commit,
 * fanned out to the live feeds.
 */
@Injectable()
export class EventsService
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Events');
  private readonly limiter: IngestLimiter;

  constructor(
    private readonly bus: EventBus,
    private readonly writer: LedgerWriter,
    private readonly store: LedgerStore,
    private readonly hub: FeedHub,
    private readonly metrics: EventsMetrics,
    private readonly config: AppConfig,
  ) {
    this.limiter = new IngestLimiter({
      ratePerSec: config.events.ingestRatePerSec,
      burst: config.events.ingestBurst,
      maxPending: config.events.ingestMaxPending,
    });
  }

  onModuleInit(): void {
    this.writer.onCommit((views, seconds) => {
      this.metrics.commit(views.length, seconds);
      this.hub.publish(views);
    });
    // Never unsubscribed: modules still emit while they shut down, and those events count.
    this.bus.subscribe((event) => this.recordEmitted(event));
  }

  /** From here on events are written as they come, before the database closes. */
  beforeApplicationShutdown(): void {
    this.writer.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
  }

  /**
   * POST /events/ingest: 429 over the client's rate or with too many events awaiting their
   * commit, 413 over the payload limit, 422 on a bad canonical payload.
   */
  async ingest(dto: IngestEventBody, clientAddress: string): Promise<IngestResult> {
    this.admit(clientAddress);
    const payloadText = canonicalJson(dto.payload);
    const size = Buffer.byteLength(payloadText, 'utf8');
    const limit = this.config.events.payloadLimitBytes;
    if (size > limit) {
      throw new ApiError(
        CoreErrors.payload_too_large,
        `The payload is ${size} bytes; the limit is ${limit}`,
        [{ field: 'payload', errors: [`payload must be at most ${limit} bytes of JSON`] }],
        { limit_bytes: limit, size_bytes: size },
      );
    }
    const canonical = isCanonicalType(dto.type);
    if (canonical) {
      const problems = canonicalPayloadProblems(dto.type, dto.payload);
      if (problems.length > 0) {
        throw new ApiError(
          EventsErrors.invalid_event_payload,
          `Invalid payload for ${dto.type}: ${problems.map((p) => p.field).join(', ')}`,
          problems,
        );
      }
    }
    const event: VxEvent = {
      event_id: timeOrderedId(),
      type: dto.type,
      source: dto.source ?? 'external',
      timestamp: normalizeTimestamp(dto.timestamp),
      correlation_id: dto.correlation_id ?? currentCorrelationId() ?? null,
      severity: dto.severity ?? 'info',
      payload: dto.payload,
      canonical,
    };
    const settled = this.limiter.track();
    try {
      await this.persist(event, payloadText, 'ingest');
    } finally {
      settled();
    }
    return { status: 'received', event_id: event.event_id, canonical };
  }

  private admit(clientAddress: string): void {
    const verdict = this.limiter.admit(clientAddress);
    if (verdict.allowed) return;
    const { ingestRatePerSec, ingestBurst, ingestMaxPending } = this.config.events;
    const message =
      verdict.scope === 'client'
        ? `More than ${ingestRatePerSec} events a second (bursts of ${ingestBurst}) from this client address`
        : `${ingestMaxPending} ingested events are already waiting for the ledger; try again shortly`;
    throw new ApiError(
      verdict.scope === 'client' ? CoreErrors.rate_limited : EventsErrors.ingest_backlog_full,
      message,
      undefined,
      { retry_after: verdict.retryAfterSec, limit_scope: verdict.scope },
      { 'retry-after': String(verdict.retryAfterSec) },
    );
  }

  list(filter: EventFilter, before: number | undefined, limit: number): EventPage {
    const rows = this.store.page(filter, before, limit);
    return {
      events: rows.map(viewOfRow),
      next_before: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }

  /**
   * An event a module emitted. It is never refused: a canonical type whose payload lacks its
   * fields is stored with canonical:false (and the emitter's bug is logged).
   */
  private async recordEmitted(event: VxEvent): Promise<void> {
    let canonical = false;
    if (isCanonicalType(event.type)) {
      const problems = canonicalPayloadProblems(event.type, event.payload);
      canonical = problems.length === 0;
      if (!canonical) {
        this.logger.warn(
          `${event.source} emitted ${event.type} without valid ${problems.map((p) => p.field).join(', ')}; stored as non-canonical`,
        );
      }
    }
    await this.persist({ ...event, canonical }, jsonText(event.payload), 'internal');
  }

  private async persist(event: VxEvent, payloadText: string, origin: Origin): Promise<void> {
    try {
      // an ingest request waits for its event; an emitted one may wait for company
      await this.writer.append(event, payloadText, origin === 'ingest');
    } catch (err) {
      if (err instanceof LedgerWriteError) {
        throw new ApiError(
          EventsErrors.ledger_unavailable,
          'The event could not be stored; try again',
        );
      }
      throw err;
    }
    this.metrics.countStored(event.type, event.canonical, origin);
  }
}

function normalizeTimestamp(raw: string | null | undefined): string {
  if (raw === undefined) return isoNow();
  const ms = raw === null ? NaN : Date.parse(raw); // null passes @IsOptional() but is no date
  if (Number.isNaN(ms)) {
    throw new ApiError(CoreErrors.validation_failed, 'Invalid fields: timestamp', [
      { field: 'timestamp', errors: ['timestamp must be a valid ISO-8601 date-time'] },
    ]);
  }
  return new Date(ms).toISOString();
}

/** Canonical JSON of an emitted payload; values JSON has no form for (a Date…) are converted first. */
function jsonText(payload: Record<string, unknown>): string {
  try {
    return canonicalJson(payload);
  } catch {
    return canonicalJson(JSON.parse(JSON.stringify(payload)) as unknown);
  }
}
