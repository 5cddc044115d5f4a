import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import { isCanonicalType, VX11_EVENT_TYPES } from './canonical-types';

export type Feed = 'ws' | 'sse';
export type Origin = 'ingest' | 'internal';

/** Prometheus figures of the event pipeline: ingestion, ledger commits, live subscribers. */
@Injectable()
export class EventsMetrics {
  private readonly ingested: Counter<'type' | 'canonical' | 'origin'>;
  private readonly subscribers: Gauge<'feed'>;
  private readonly dropped: Counter<'feed' | 'reason'>;
  private readonly batchSize: Histogram;
  private readonly commitSeconds: Histogram;
  private readonly storedSeries = new Map<string, Counter.Internal>();

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.ingested = new Counter({
      name: 'vx11_events_ingested_total',
      help: 'Events stored in the ledger, by type (unknown external types as "other"), canonical flag and origin',
      labelNames: ['type', 'canonical', 'origin'],
      registers,
    });
    this.subscribers = new Gauge({
      name: 'vx11_events_feed_subscribers',
      help: 'Live event subscribers by feed',
      labelNames: ['feed'],
      registers,
    });
    this.subscribers.set({ feed: 'ws' }, 0);
    this.subscribers.set({ feed: 'sse' }, 0);
    this.dropped = new Counter({
      name: 'vx11_events_feed_dropped_total',
      help: 'Live subscribers dropped by the server: "slow" (send buffer over the limit) or "dead" (no pong)',
      labelNames: ['feed', 'reason'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'vx11_events_ledger_batch_size',
      help: 'Events per ledger group commit',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'vx11_events_ledger_commit_seconds',
      help: 'Duration of one ledger group commit (transaction and fsync)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }

  /**
   * External senders choose type names freely; only known ones become label values so a
   * sender cannot grow the metric without bound.
   */
  countStored(type: string, canonical: boolean, origin: Origin): void {
    const known = origin === 'internal' || isCanonicalType(type) || VX11_EVENT_TYPES.includes(type);
    const label = known ? type : 'other';
    // labels() once per series (bounded: known types only), not a label object per event
    const key = `${origin} ${canonical ? 1 : 0} ${label}`;
    let series = this.storedSeries.get(key);
    if (series === undefined) {
      series = this.ingested.labels(label, String(canonical), origin);
      this.storedSeries.set(key, series);
    }
    series.inc();
  }

  subscriberAdded(feed: Feed): void {
    this.subscribers.inc({ feed });
  }

  subscriberRemoved(feed: Feed): void {
    this.subscribers.dec({ feed });
  }

  droppedClient(feed: Feed, reason: 'slow' | 'dead'): void {
    this.dropped.inc({ feed, reason });
  }

  commit(events: number, seconds: number): void {
    this.batchSize.observe(events);
    this.commitSeconds.observe(seconds);
  }
}
