import type { ServerResponse } from 'node:http';
import type { EventFilter } from '../event-filter';
import type { FeedBatch } from './feed-batch';
import type { FeedSubscriber } from './feed-hub';

/** One SSE stream of GET /operator/api/events (Accept: text/event-stream). */
export class SseSubscriber implements FeedSubscriber {
  readonly feed = 'sse' as const;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly filter: EventFilter,
    private readonly maxBufferedBytes: number,
    private readonly onSlow: () => void,
  ) {}

  deliver(batch: FeedBatch): void {
    const chunk = batch.sseChunk(this.filter);
    if (chunk !== null) this.write(chunk);
  }

  /** A comment line: keeps proxies from timing the stream out and shows the link is alive. */
  heartbeat(): void {
    this.write(`: heartbeat ${new Date().toISOString()}\n\n`);
  }

  /** Unsent bytes pile up in memory when the reader is slow; past the limit it is cut off. */
  write(chunk: string | Buffer): void {
    if (this.ended || this.res.writableEnded || this.res.destroyed) return;
    if (this.res.writableLength > this.maxBufferedBytes) {
      this.ended = true;
      this.onSlow();
      this.res.destroy();
      return;
    }
    this.res.write(chunk);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.res.end();
  }

  /** Ends at once, without flushing what is queued (the stream failed). */
  terminate(): void {
    this.ended = true;
    this.res.destroy();
  }
}
