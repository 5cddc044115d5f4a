import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export type FakeBehaviour =
  | {
      kind: 'answer';
      content?: string;
      tokens?: number;
      /** Streamed answers: pause between chunks. */
      chunkDelayMs?: number;
      /** Streamed answers: leave out the final usage chunk. */
      noUsage?: boolean;
    }
  | { kind: 'delay'; ms: number; content?: string; tokens?: number }
  | { kind: 'fail'; status: 500 | 429 | 503 }
  | { kind: 'hang' }
  /** Streams `chunks` pieces of the answer, then drops the connection (no [DONE]). */
  | { kind: 'die-mid-stream'; chunks: number; content?: string };

/** One request the fake received, and what became of its connection. */
export interface FakeRequest {
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    stream?: boolean;
    [field: string]: unknown;
  };
  /** Date.now() when it arrived. */
  receivedAt: number;
  /** The client closed the connection before the answer was complete. */
  closedEarly: boolean;
  /** performance.now() when the client closed it early. */
  closedAt?: number;
  completed: boolean;
}

/** Splits an answer into the pieces a streamed answer sends (words with their spaces). */
const piecesOf = (text: string) => text.split(/(?<= )/);

/**
 * An OpenAI-compatible provider on loopback that can be told to answer, delay, fail, hang or
 * break off. Serves POST /v1/chat/completions (real SSE when the request says `stream: true`)
 * and GET /v1/models; records every request, how many are in flight, and which ones the client
 * closed early.
 */
export class FakeProvider {
  calls = 0;
  behaviour: FakeBehaviour = { kind: 'answer' };
  readonly models = ['fake-model-a', 'fake-model-b'];
  readonly requests: FakeRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(readonly name: string) {}

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** The last chat request received. */
  get last(): FakeRequest | undefined {
    return this.requests.at(-1);
  }

  reset(): void {
    this.calls = 0;
    this.behaviour = { kind: 'answer' };
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method === 'GET' && req.url === '/v1/models') {
      return this.json(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model' })),
      });
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return this.json(res, 404, { error: 'not found' });
    this.calls += 1;
    const record: FakeRequest = {
      body: JSON.parse(body || '{}') as FakeRequest['body'],
      receivedAt: Date.now(),
      closedEarly: false,
      completed: false,
    };
    this.requests.push(record);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => {
      this.inFlight -= 1;
      if (!record.completed) {
        record.closedEarly = true;
        record.closedAt = performance.now();
      }
    });
    const b = this.behaviour;
    if (b.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (b.kind === 'fail') {
      record.completed = true;
      return this.json(res, b.status, { error: { message: `told to fail with ${b.status}` } });
    }
    if (b.kind === 'delay') await new Promise((r) => setTimeout(r, b.ms));
    const last = record.body.messages?.at(-1)?.content ?? '';
    const content = ('content' in b ? b.content : undefined) ?? `${this.name} says: ${last}`;
    const tokens = ('tokens' in b ? b.tokens : undefined) ?? 12;
    if (record.body.stream) return this.stream(res, record, b, content, tokens);
    record.completed = true;
    this.json(res, 200, {
      id: `cmpl-${this.calls}`,
      object: 'chat.completion',
      model: record.body.model ?? 'fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: tokens - 5, total_tokens: tokens },
    });
  }

  /** Real SSE: a role chunk, one chunk per piece, finish, usage, [DONE] (or a cut connection). */
  private async stream(
    res: ServerResponse,
    record: FakeRequest,
    b: FakeBehaviour,
    content: string,
    tokens: number,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const base = {
      id: `cmpl-${this.calls}`,
      object: 'chat.completion.chunk',
      created: 1,
      model: record.body.model ?? 'fake',
    };
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const pieces = piecesOf(content);
    const limit = b.kind === 'die-mid-stream' ? b.chunks : pieces.length;
    const pause = b.kind === 'answer' ? (b.chunkDelayMs ?? 0) : 0;
    send({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (let i = 0; i < limit; i++) {
      if (res.destroyed) return;
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      if (res.destroyed) return;
      send({
        ...base,
        choices: [{ index: 0, delta: { content: pieces[i] ?? '…' }, finish_reason: null }],
      });
    }
    if (b.kind === 'die-mid-stream') {
      await new Promise((r) => setTimeout(r, 20)); // let the chunks leave first
      res.destroy();
      return;
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    if (!(b.kind === 'answer' && b.noUsage)) {
      send({
        ...base,
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: tokens - 5, total_tokens: tokens },
      });
    }
    record.completed = true;
    res.end('data: [DONE]\n\n');
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
}
