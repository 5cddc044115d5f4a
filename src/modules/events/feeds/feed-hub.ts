import { Injectable, Logger } from '@nestjs/common';
import { guarded } from '../../../core/util/guarded';
import type { EventView } from '../event-view';
import { EventsMetrics, Feed } from '../events-metrics';
import { FeedBatch } from './feed-batch';

/** One live reader (a WebSocket or an SSE stream). */
export interface FeedSubscriber {
  readonly feed: Feed;
  /** Sends what the batch holds for this subscriber; must not throw or block. */
  deliver(batch: FeedBatch): void;
  /** Ends the connection (server shutdown). */
  close(): void;
}

/** Fans each committed batch out to every live subscriber, one frame per subscriber. */
@Injectable()
export class FeedHub {
  private readonly logger = new Logger('Feeds');
  private readonly subscribers = new Set<FeedSubscriber>();
  /** A subscriber that fails is dropped; the others still get the batch. */
  private readonly deliverTo = guarded(
    (subscriber: FeedSubscriber) => `delivery to a ${subscriber.feed} subscriber`,
    (subscriber: FeedSubscriber, batch: FeedBatch) => subscriber.deliver(batch),
    { logger: this.logger, onError: (_err, subscriber) => this.drop(subscriber) },
  );
  private readonly closeQuietly = guarded(
    (subscriber: FeedSubscriber) => `closing a ${subscriber.feed} subscriber`,
    (subscriber: FeedSubscriber) => subscriber.close(),
    { logger: this.logger },
  );

  constructor(private readonly metrics: EventsMetrics) {}

  add(subscriber: FeedSubscriber): void {
    if (this.subscribers.has(subscriber)) return;
    this.subscribers.add(subscriber);
    this.metrics.subscriberAdded(subscriber.feed);
  }

  remove(subscriber: FeedSubscriber): void {
    if (this.subscribers.delete(subscriber)) this.metrics.subscriberRemoved(subscriber.feed);
  }

  publish(events: readonly EventView[]): void {
    if (this.subscribers.size === 0 || events.length === 0) return;
    const batch = new FeedBatch(events);
    for (const subscriber of [...this.subscribers]) this.deliverTo(subscriber, batch);
  }

  closeAll(): void {
    for (const subscriber of [...this.subscribers]) this.drop(subscriber);
  }

  private drop(subscriber: FeedSubscriber): void {
    this.remove(subscriber);
    this.closeQuietly(subscriber);
  }
}
