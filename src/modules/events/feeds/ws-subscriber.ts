import type { WebSocket } from 'ws';
import { EventFilter } from '../event-filter';
import type { FeedBatch } from './feed-batch';
import type { FeedSubscriber } from './feed-hub';
import type { Subscriptions } from './ws-protocol';

export type DropReason = 'slow' | 'dead';

/** One WebSocket client of /ws: its subscriptions, liveness and outgoing frames. */
export class WsSubscriber implements FeedSubscriber {
  readonly feed = 'ws' as const;
  /** Cleared by each protocol ping, set again by the client's pong. */
  alive = true;
  private subs: Subscriptions;
  private filter: EventFilter;
  private dropped = false;

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    subscriptions: Subscriptions,
    private readonly maxBufferedBytes: number,
    private readonly onDrop: (reason: DropReason) => void,
  ) {
    this.subs = subscriptions;
    this.filter = new EventFilter(subscriptions.types);
  }

  get subscriptions(): Subscriptions {
    return this.subs;
  }

  set subscriptions(next: Subscriptions) {
    this.subs = next;
    this.filter = new EventFilter(next.types);
  }

  deliver(batch: FeedBatch): void {
    const frame = batch.wsFrame(this.filter);
    if (frame !== null) this.send(frame);
  }

  private static readonly TEXT = { binary: false } as const;

  /** A `{"channel":"control",…}` frame. */
  control(body: Record<string, unknown>): void {
    this.send(JSON.stringify({ channel: 'control', ...body }));
  }

  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  /**
   * Frames queue in memory while a client reads slower than we send; past the limit the
   * client is cut off instead of holding memory (and everyone else) hostage.
   */
  private send(frame: string | Buffer): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.drop('slow');
      return;
    }
    // A Buffer is framed as it is (the frame shared by every subscriber; a string would be
    // encoded again for each); it is sent as a text frame, which it is (UTF-8 JSON).
    if (typeof frame === 'string') this.socket.send(frame);
    else this.socket.send(frame, WsSubscriber.TEXT);
  }

  drop(reason: DropReason): void {
    if (this.dropped) return;
    this.dropped = true;
    this.onDrop(reason);
    this.socket.terminate();
  }

  close(): void {
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.close(1001, 'server shutting down');
  }

  /** Calls back once the socket has closed (at once if it already has). */
  onGone(callback: () => void): void {
    if (this.socket.readyState === this.socket.CLOSED) callback();
    else this.socket.once('close', callback);
  }

  terminate(): void {
    this.socket.terminate();
  }
}
