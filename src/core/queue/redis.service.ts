import { Injectable, Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { describeError } from '../util/guarded';
import { withTimeout } from '../util/with-timeout';
import { redisOptionsFromUrl } from './redis-options';

export interface RedisStatus {
  status: 'up' | 'down';
  latency_ms?: number;
  error?: string;
  since: string;
}

const PING_TIMEOUT_MS = 500;
/** How long a client may take to say QUIT at shutdown before its socket is simply dropped. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * The one Redis connection factory. A probe connection tracks whether Redis answers; the app
 * keeps serving while it is down and ioredis reconnects by itself.
 */
@Injectable()
export class RedisService {
  private readonly logger = new Logger('Redis');
  private readonly baseOptions: RedisOptions;
  private readonly clients = new Set<Redis>();
  private readonly probe: Redis;
  private readonly downListeners = new Set<() => void>();
  private up = false;
  private lastError: string | undefined;
  private since = new Date().toISOString();

  constructor(config: AppConfig) {
    this.baseOptions = redisOptionsFromUrl(config.redisUrl);
    this.probe = this.createClient('probe', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.probe.on('ready', () => this.mark(true));
    this.probe.on('close', () => this.mark(false));
    this.probe.on('error', (err: Error) => {
      this.lastError = err.message;
    });
  }

  /** Options for a connection BullMQ creates itself (workers need maxRetriesPerRequest null). */
  workerConnectionOptions(): RedisOptions {
    return { ...this.baseOptions, maxRetriesPerRequest: null };
  }

  /** A new client owned by this service and closed at shutdown. Errors never go unhandled. */
  createClient(purpose: string, overrides: RedisOptions = {}): Redis {
    const client = new Redis({
      ...this.baseOptions,
      connectionName: `vx11:${purpose}`,
      ...overrides,
    });
    client.on('error', () => undefined); // state is tracked by the probe; reconnect is automatic
    this.clients.add(client);
    return client;
  }

  /** Resolves once Redis is connected, or with false after `timeoutMs` (never rejects). */
  whenUp(timeoutMs: number): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.probe.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.probe.once('ready', onReady);
    });
  }

  isUp(): boolean {
    return this.up;
  }

  /** Calls `listener` once, the next time Redis goes from up to down; returns the unsubscribe. */
  onceDown(listener: () => void): () => void {
    const once = () => {
      this.downListeners.delete(once);
      listener();
    };
    this.downListeners.add(once);
    return () => this.downListeners.delete(once);
  }

  /** Pings Redis (bounded) and reports up/down with latency or the last error. */
  async status(): Promise<RedisStatus> {
    if (!this.up)
      return { status: 'down', error: this.lastError ?? 'not connected', since: this.since };
    const started = process.hrtime.bigint();
    try {
      await withTimeout(this.probe.ping(), PING_TIMEOUT_MS, 'ping');
      const latency = Number(process.hrtime.bigint() - started) / 1e6;
      return { status: 'up', latency_ms: Math.round(latency * 100) / 100, since: this.since };
    } catch (err) {
      return { status: 'down', error: (err as Error).message, since: this.since };
    }
  }

  /**
   * Closes every client; called by QueueService after its queues and workers are closed.
   * Bounded: a connected client says QUIT (for at most QUIT_TIMEOUT_MS), any other is dropped
   * at once, since a QUIT queued for a Redis that is down would wait for its return.
   */
  async close(): Promise<void> {
    const clients = [...this.clients];
    this.clients.clear();
    this.downListeners.clear();
    await Promise.all(clients.map((client) => closeClient(client)));
  }

  private mark(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.since = new Date().toISOString();
    if (up) {
      this.lastError = undefined;
      this.logger.log('Redis connected');
    } else {
      this.logger.warn(`Redis unreachable (${this.lastError ?? 'connection closed'}); retrying`);
      for (const listener of [...this.downListeners]) {
        try {
          listener();
        } catch (err) {
          this.logger.error(`a Redis-down listener failed: ${describeError(err)}`);
        }
      }
    }
  }
}

async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await withTimeout(client.quit(), QUIT_TIMEOUT_MS, 'redis quit');
      return;
    } catch {
      // fall through: drop the socket
    }
  }
  client.disconnect();
}
