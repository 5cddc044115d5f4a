import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export type FakeBehaviour =
  | { kind: 'answer'; content?: string; tokens?: number }
  | { kind: 'delay'; ms: number; content?: string; tokens?: number }
  | { kind: 'fail'; status: 500 | 429 | 503 }
  | { kind: 'hang' };

/**
 * An OpenAI-compatible provider on loopback that can be told to answer, delay, fail or hang.
 * Serves POST /v1/chat/completions and GET /v1/models; counts calls.
 */
export class FakeProvider {
  calls = 0;
  behaviour: FakeBehaviour = { kind: 'answer' };
  readonly models = ['fake-model-a', 'fake-model-b'];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(readonly name: string) {}

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
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
    const b = this.behaviour;
    if (b.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (b.kind === 'fail')
      return this.json(res, b.status, { error: { message: `told to fail with ${b.status}` } });
    if (b.kind === 'delay') await new Promise((r) => setTimeout(r, b.ms));
    const request = JSON.parse(body || '{}') as {
      model?: string;
      messages?: Array<{ content: string }>;
    };
    const last = request.messages?.at(-1)?.content ?? '';
    this.json(res, 200, {
      id: `cmpl-${this.calls}`,
      object: 'chat.completion',
      model: request.model ?? 'fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: b.content ?? `${this.name} says: ${last}` },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: (b.tokens ?? 12) - 5,
        total_tokens: b.tokens ?? 12,
      },
    });
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
