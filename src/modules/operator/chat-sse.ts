import type { FastifyReply } from 'fastify';
import { hijackResponse } from '../../core/http/hijack-response';

/** Headers that keep proxies from buffering a stream. */
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * One streamed answer over Server-Sent Events. Nothing is written until open(): until then an
 * error is still an ordinary JSON error reply (and the chain may still fall back). `signal`
 * aborts when the client goes away before the stream ended.
 */
export class ChatSse {
  private readonly abort = new AbortController();
  private opened = false;
  private ended = false;

  constructor(private readonly reply: FastifyReply) {
    reply.raw.on('close', () => {
      if (!this.ended) this.abort.abort();
    });
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get started(): boolean {
    return this.opened;
  }

  /** Sends the status and headers (with those already set on the reply, e.g. correlation id). */
  open(headers: Record<string, string> = {}): void {
    if (this.opened || this.abort.signal.aborted) return;
    this.opened = true;
    const raw = hijackResponse(this.reply);
    raw.writeHead(200, { ...SSE_HEADERS, ...headers });
    raw.socket?.setNoDelay(true);
    raw.on('error', () => this.abort.abort());
  }

  /** One event; dropped once the stream ended or the client left. */
  send(data: string, event?: string): void {
    if (!this.opened || this.ended || this.reply.raw.destroyed) return;
    this.reply.raw.write(`${event ? `event: ${event}\n` : ''}data: ${data}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.opened && !this.reply.raw.destroyed) this.reply.raw.end();
  }
}
