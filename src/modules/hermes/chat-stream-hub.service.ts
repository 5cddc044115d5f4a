import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../../core/config/app-config';
import { RedisService } from '../../core/queue/redis.service';
import { describeError } from '../../core/util/guarded';
import { withTimeout } from '../../core/util/with-timeout';
import type { RoutedCompletion } from './tier-router.service';

/** What a streaming chat job sends its caller, in order: start, deltas, then end or fail. */
export type ChatStreamEvent =
  | { t: 'start'; provider: string; model: string }
  | { t: 'delta'; c: string }
  | { t: 'end'; completion: RoutedCompletion }
  | { t: 'fail'; message: string; started: boolean };

/** The caller's end of a job's stream. */
export interface ChatStreamTap {
  /** Receives every event of the job, in order. */
  onEvent: (event: ChatStreamEvent) => void;
  /** Asks the worker to abort its provider call (the client went away). */
  cancel(): void;
  /** Stops listening; idempotent. */
  close(): void;
}

/** The worker's end of a job's stream. */
export interface ChatStreamOutlet {
  emit(event: ChatStreamEvent): void;
  /** Aborts when the caller cancels. */
  signal: AbortSignal;
  close(): void;
}

const SUBSCRIBE_TIMEOUT_MS = 1000;

interface LocalTap {
  tap: ChatStreamTap;
  abort: AbortController;
}

/**
 * Carries a streaming chat job's pieces from the worker to the request waiting for them. Across
 * processes they go over Redis pub/sub (`<prefix>:chat-stream:<job>`, cancels over
 * `<prefix>:chat-cancel:<job>`), which is ordered per publisher; when the worker runs in the
 * caller's process the pieces are handed over in memory instead (the fast path, which
 * `localFastPath = false` turns off). A caller cannot know where its job will run, so this
 * process listens to every stream channel of its prefix with one pattern subscription, made
 * with the first stream and kept (ioredis renews it after a reconnect): no SUBSCRIBE and
 * UNSUBSCRIBE round trips per stream (bench/README.md item 38).
 */
@Injectable()
export class ChatStreamHub implements OnApplicationShutdown {
  private readonly logger = new Logger('ChatStream');
  private readonly local = new Map<string, LocalTap>();
  private readonly channels = new Map<string, (message: string) => void>();
  private subscriber: Redis | undefined;
  private publisher: Redis | undefined;
  /** The pattern subscription to every stream channel: none yet, on its way, or in place. */
  private streamsHeard: 'no' | 'asking' | 'yes' = 'no';
  /** In-memory hand-over when the worker runs in this process. */
  localFastPath = true;
  /** Stream events this process published over Redis (for tests and diagnostics). */
  publishedOverRedis = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  /** Registers the caller of `jobId` before its job is queued, so no piece can be missed. */
  open(jobId: string): ChatStreamTap {
    const abort = new AbortController();
    const streamChannel = this.channel('stream', jobId);
    let closed = false;
    const tap: ChatStreamTap = {
      onEvent: () => undefined,
      cancel: () => {
        abort.abort();
        if (this.redis.isUp()) void this.publish(this.channel('cancel', jobId), 'cancel');
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.local.delete(jobId);
        this.channels.delete(streamChannel);
      },
    };
    this.local.set(jobId, { tap, abort });
    this.channels.set(streamChannel, (message) => {
      try {
        tap.onEvent(JSON.parse(message) as ChatStreamEvent);
      } catch (err) {
        this.logger.debug(`bad stream message for ${jobId}: ${describeError(err)}`);
      }
    });
    this.listenToStreams();
    return tap;
  }

  /**
   * The worker's outlet for `jobId` when its caller waits in this process (in memory, at once:
   * no await between the job's start and its provider call); undefined otherwise.
   */
  outletHere(jobId: string): ChatStreamOutlet | undefined {
    const here = this.localFastPath ? this.local.get(jobId) : undefined;
    if (!here) return undefined;
    return {
      emit: (event) => here.tap.onEvent(event),
      signal: here.abort.signal,
      close: () => undefined,
    };
  }

  /** The worker's outlet for `jobId`: in memory when its caller is here, else over Redis. */
  async attach(jobId: string): Promise<ChatStreamOutlet> {
    const here = this.outletHere(jobId);
    if (here) return here;
    const abort = new AbortController();
    const cancelChannel = this.channel('cancel', jobId);
    await this.subscribe(cancelChannel, () => abort.abort());
    const streamChannel = this.channel('stream', jobId);
    return {
      emit: (event) => {
        this.publishedOverRedis += 1;
        void this.publish(streamChannel, JSON.stringify(event));
      },
      signal: abort.signal,
      close: () => void this.unsubscribe(cancelChannel),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.channels.clear();
    this.local.clear();
  }

  private channel(kind: 'stream' | 'cancel', jobId: string): string {
    return `${this.config.queuePrefix}:chat-${kind}:${jobId}`;
  }

  private async publish(channel: string, message: string): Promise<void> {
    try {
      this.publisher ??= this.redis.createClient('chat-stream-pub', { maxRetriesPerRequest: 1 });
      await this.publisher.publish(channel, message);
    } catch (err) {
      this.logger.debug(`publish on ${channel}: ${describeError(err)}`);
    }
  }

  /**
   * Makes the pattern subscription once Redis is up; until then only the in-memory path can
   * carry a stream. Not awaited: a worker here hands pieces over in memory, and one elsewhere
   * can publish only after taking the job from the queue and hearing from its provider, long
   * after this PSUBSCRIBE (written before the first job is queued) took effect.
   */
  private listenToStreams(): void {
    if (this.streamsHeard !== 'no' || !this.redis.isUp()) return;
    this.streamsHeard = 'asking';
    const glob = this.channel('stream', '').replace(/[*?[\]\\]/g, '\\$&') + '*';
    withTimeout(this.subscriberClient().psubscribe(glob), SUBSCRIBE_TIMEOUT_MS, 'psubscribe').then(
      () => {
        this.streamsHeard = 'yes';
      },
      (err: unknown) => {
        this.streamsHeard = 'no'; // the next stream asks again
        this.logger.debug(`psubscribe to ${glob}: ${describeError(err)}`);
      },
    );
  }

  private subscriberClient(): Redis {
    if (!this.subscriber) {
      const subscriber = this.redis.createClient('chat-stream-sub', { maxRetriesPerRequest: 1 });
      const deliver = (channel: string, message: string) => this.channels.get(channel)?.(message);
      subscriber.on('message', deliver);
      subscriber.on('pmessage', (_pattern: string, channel: string, message: string) =>
        deliver(channel, message),
      );
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  /** Subscribes when Redis is up (a worker's cancel channel). */
  private async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    this.channels.set(channel, handler);
    if (!this.redis.isUp()) return;
    try {
      await withTimeout(
        this.subscriberClient().subscribe(channel),
        SUBSCRIBE_TIMEOUT_MS,
        'subscribe',
      );
    } catch (err) {
      this.logger.debug(`subscribe to ${channel}: ${describeError(err)}`);
    }
  }

  private async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    if (!this.subscriber || !this.redis.isUp()) return;
    await withTimeout(
      this.subscriber.unsubscribe(channel),
      SUBSCRIBE_TIMEOUT_MS,
      'unsubscribe',
    ).catch(() => undefined);
  }
}
