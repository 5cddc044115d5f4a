import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { AuthService } from '../../../core/auth/auth.service';
import { queryToken } from '../../../core/auth/feed-route.decorator';
import { AppConfig } from '../../../core/config/app-config';
import { correlationIdFor } from '../../../core/correlation/correlation';
import { ApiError } from '../../../core/errors/api-error';
import { renderError } from '../../../core/errors/error-body';
import { guarded } from '../../../core/util/guarded';
import { EventFilter, FilterTermError } from '../event-filter';
import { EventsMetrics } from '../events-metrics';
import { FeedHub } from './feed-hub';
import {
  applySubscription,
  EVERY_TYPE,
  isProtocolError,
  MAX_CLIENT_FRAME_BYTES,
  parseClientMessage,
  Subscriptions,
} from './ws-protocol';
import { WsSubscriber } from './ws-subscriber';
import { CoreErrors } from '../../../core/errors/core-errors';

export const WS_PATH = '/ws';
/** Answered to a frame whose handling failed on our side; the socket stays open. */
const UNHANDLED_FRAME = {
  type: 'error',
  error: 'internal_error',
  message: 'The frame could not be handled; try again',
};
const CLOSE_GRACE_MS = 1000;

/**
 * WS /ws on the app's one HTTP server. Upgrades are taken from the server's `upgrade` event
 * (they never reach Fastify's router); the token is checked before the handshake, and a
 * refused client gets a plain HTTP error response (401/403 in the usual error shape) instead
 * of a WebSocket. Plain GET /ws is the Nest route in EventsController (426).
 */
@Injectable()
export class WsFeedServer
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('WsFeed');
  /** Made on the first upgrade taken: an idle VX11 without subscribers never loads ws. */
  private wss: WebSocketServer | undefined;
  private readonly clients = new Set<WsSubscriber>();
  private server: Server | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly hub: FeedHub,
    private readonly metrics: EventsMetrics,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(
      guarded(
        'WebSocket heartbeat',
        () => [...this.clients].forEach((client) => this.beat(client)),
        {
          logger: this.logger,
        },
      ),
      this.config.events.heartbeatSec * 1000,
    );
    this.heartbeat.unref();
  }

  /** Says goodbye (close 1001) before the HTTP server closes; stragglers are cut. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    if (this.clients.size === 0) return;
    const gone = [...this.clients].map(
      (client) => new Promise<void>((resolve) => client.onGone(resolve)),
    );
    for (const client of this.clients) client.close();
    const timer = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([Promise.all(gone), timer]);
    for (const client of this.clients) client.terminate();
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    this.wss?.close();
  }

  /** Whatever fails while taking an upgrade costs that one socket, never the process. */
  private readonly onUpgrade = guarded(
    'WebSocket upgrade',
    (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head),
    { logger: this.logger, onError: (_err, _req, socket) => socket.destroy() },
  );

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0];
    if (path !== WS_PATH) {
      // Not ours (e.g. `Upgrade: h2c` from curl --http2). Unless another listener takes it,
      // serve it as the plain HTTP request it also is, as if no one listened for upgrades.
      if (this.server?.listenerCount('upgrade') === 1) this.serveAsHttp(req, socket);
      return;
    }
    socket.on('error', () => undefined); // a reset during the handshake is not our crash
    let subscriptions: Subscriptions;
    try {
      if (this.closing) throw new ApiError(CoreErrors.shutting_down, 'VX11 is shutting down');
      this.auth.assertFeedAuthorized(req.headers, queryToken(url), req.socket.remoteAddress);
      subscriptions = initialSubscriptions(url);
    } catch (err) {
      refuse(socket, err, req);
      return;
    }
    this.socketServer().handleUpgrade(
      req,
      socket,
      head,
      guarded('WebSocket connection', (ws: WebSocket) => this.onConnection(ws, subscriptions), {
        logger: this.logger,
        onError: (_err, ws) => ws.terminate(),
      }),
    );
  }

  private socketServer(): WebSocketServer {
    if (!this.wss) {
      const { WebSocketServer: Wss } = require('ws') as typeof import('ws');
      this.wss = new Wss({
        noServer: true,
        clientTracking: false,
        maxPayload: MAX_CLIENT_FRAME_BYTES, // bigger frames: ws closes the socket (1009)
        perMessageDeflate: false,
        // parseClientMessage checks UTF-8 itself and answers an error frame, where ws would close
        skipUTF8Validation: true,
      });
    }
    return this.wss;
  }

  private serveAsHttp(req: IncomingMessage, socket: Duplex): void {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false; // the HTTP parser has let go of this socket
    res.assignSocket(socket as Socket);
    res.on('finish', () => socket.end());
    socket.on('error', () => undefined);
    this.server!.emit('request', req, res);
  }

  private onConnection(ws: WebSocket, subscriptions: Subscriptions): void {
    const client = new WsSubscriber(
      randomUUID(),
      ws,
      subscriptions,
      this.config.events.maxBufferedBytes,
      (reason) => {
        this.metrics.droppedClient('ws', reason);
        this.logger.warn(`dropped WebSocket client (${reason})`);
      },
    );
    const logger = this.logger;
    ws.on(
      'pong',
      guarded('WebSocket pong', () => (client.alive = true), { logger }),
    );
    ws.on(
      'message',
      guarded(
        'WebSocket message',
        (data: RawData, isBinary: boolean) => this.onMessage(client, data, isBinary),
        { logger, onError: () => client.control(UNHANDLED_FRAME) },
      ),
    );
    ws.on('error', () => undefined); // 'close' follows and cleans up
    ws.on(
      'close',
      guarded(
        'WebSocket close',
        () => {
          this.clients.delete(client);
          this.hub.remove(client);
        },
        { logger },
      ),
    );
    client.control({ type: 'connected', client_id: client.id, types: subscriptions.types });
    this.clients.add(client);
    this.hub.add(client);
  }

  private onMessage(client: WsSubscriber, data: RawData, isBinary: boolean): void {
    const message = parseClientMessage(toBuffer(data), isBinary);
    if (isProtocolError(message)) {
      client.control({ type: 'error', ...message });
      return;
    }
    if (message.action === 'ping') {
      client.control({ type: 'pong', at: new Date().toISOString() });
      return;
    }
    const next = applySubscription(client.subscriptions, message);
    if (isProtocolError(next)) {
      client.control({ type: 'error', ...next });
      return;
    }
    client.subscriptions = next;
    client.control({
      type: message.action === 'subscribe' ? 'subscribed' : 'unsubscribed',
      types: next.types,
    });
  }

  /** Protocol-level ping; a client that did not answer the previous one is gone. */
  private readonly beat = guarded(
    'WebSocket ping',
    (client: WsSubscriber) => {
      if (!client.alive) {
        client.drop('dead');
        return;
      }
      client.alive = false;
      client.ping();
    },
    { logger: this.logger, onError: (_err, client) => client.terminate() },
  );
}

/** `?types=a.b,c.*` narrows the subscriptions from the start. */
function initialSubscriptions(url: string): Subscriptions {
  const q = url.indexOf('?');
  const raw = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('types');
  if (!raw) return EVERY_TYPE;
  try {
    EventFilter.fromQuery(raw, undefined);
  } catch (err) {
    if (!(err instanceof FilterTermError)) throw err;
    throw new ApiError(CoreErrors.validation_failed, 'Invalid fields: types', [
      { field: 'types', errors: [err.message] },
    ]);
  }
  return { types: raw.split(',').map((t) => t.trim()), narrowed: true };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Answers a refused upgrade with a plain HTTP error in the contract's error shape. */
function refuse(socket: Duplex, err: unknown, req: IncomingMessage): void {
  const correlationId = correlationIdFor(req);
  const { status, body } = renderError(err, correlationId);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      `X-Correlation-Id: ${correlationId}\r\n` +
      'Connection: close\r\n\r\n' +
      text,
  );
}
