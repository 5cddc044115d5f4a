import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest, IncomingHttpHeaders, ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

/** Makes the in-process app listen on a free loopback port (once) and returns the port. */
export async function listenOnce(app: NestFastifyApplication): Promise<number> {
  const server = app.getHttpServer();
  if (!server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  return (server.address() as AddressInfo).port;
}

type Frame = Record<string, unknown>;

/** Lets a client's waits resume as soon as something arrives, instead of polling. */
class Wakeups {
  private waiters: Array<() => void> = [];

  /** Resolves at the next `wake()`, or after `ms` at the latest. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves once `done()` holds, waking at each arrival; throws `what` after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} after ${timeoutMs} ms`);
      await this.next(left);
    }
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

/** A WebSocket test client that keeps every frame and lets a test wait for one. */
export class FeedSocket {
  readonly frames: Frame[] = [];
  private readonly wakeups = new Wakeups();
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      this.wakeups.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wakeups.wake();
    });
  }

  /** Opens /ws; resolves once open, rejects with the HTTP status of a refused upgrade. */
  static connect(
    port: number,
    query = '',
    headers: Record<string, string> = {},
    path = '/ws',
  ): Promise<FeedSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}${query}`, { headers });
      const socket = new FeedSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${res.statusCode}`), {
              status: res.statusCode,
              body: JSON.parse(body || '{}') as unknown,
            }),
          ),
        );
      });
      ws.once('error', (err) => reject(err));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first frame (already received or coming) that `match` accepts. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 2000)}`,
        );
      await this.wakeups.next(left);
    }
  }

  /**
   * The close code and reason once the socket has closed: the close event can come after the
   * server process has exited, since it waits for the TCP close after the close frame.
   */
  async whenClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await this.wakeups.until(() => this.closed !== undefined, timeoutMs, 'socket still open');
    return this.closed!;
  }

  /** Every event delivered so far, in order. */
  events(): Frame[] {
    return this.frames.filter((f) => f.channel === 'events').flatMap((f) => f.events as Frame[]);
  }

  /** Waits until an event `match` accepts has been delivered. */
  async nextEvent(match: (event: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    await this.next((f) => f.channel === 'events' && (f.events as Frame[]).some(match), timeoutMs);
    return this.events().find(match)!;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export interface SseMessage {
  id?: string;
  data: string;
}

/** An SSE test client over node:http: parses `id:`/`data:` messages and comments. */
export class FeedStream {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private readonly wakeups = new Wakeups();
  ended = false;

  private constructor(
    private readonly req: ClientRequest,
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {}

  /** GETs `path` with Accept: text/event-stream; resolves once the response headers arrive. */
  static open(
    port: number,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<FeedStream> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path,
        headers: { accept: 'text/event-stream', ...headers },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(new FeedStream(req, res.statusCode ?? 0, res.headers, body)));
          return;
        }
        const stream = new FeedStream(req, 200, res.headers, '');
        res.on('data', (chunk: string) => stream.feed(chunk));
        res.on('end', () => {
          stream.ended = true;
          stream.wakeups.wake();
        });
        res.on('error', () => undefined);
        resolve(stream);
      });
      req.end();
    });
  }

  /** Parsed JSON of every `data:` message. */
  events(): Record<string, unknown>[] {
    return this.messages.map((m) => JSON.parse(m.data) as Record<string, unknown>);
  }

  async nextEvent(match: (event: Record<string, unknown>) => boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events().find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (this.ended || left <= 0) {
        throw new Error(
          `no matching SSE event (ended=${this.ended}); got ${JSON.stringify(this.events()).slice(0, 2000)}`,
        );
      }
      await this.wakeups.next(left);
    }
  }

  /** Resolves once the server has ended the response. */
  whenEnded(timeoutMs = 5000): Promise<void> {
    return this.wakeups.until(() => this.ended, timeoutMs, 'SSE response still open');
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.messages.push({ ...message, data: data.join('\n') });
    }
    this.wakeups.wake();
  }
}
