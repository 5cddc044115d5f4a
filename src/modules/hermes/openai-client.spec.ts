import 'reflect-metadata';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { chatCompletion, eventData, streamCompletion } from './openai-client';
import { Provider, ProviderError } from './provider';

/** Starts `server` on a free loopback port: the provider `name` it plays. */
async function providerOn(server: Server, name: string): Promise<Provider> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    tier: 'switch',
    base_url: `http://127.0.0.1:${port}/v1`,
    model: `${name}-model`,
    priority: 0,
    source: 'config',
  };
}

/** A provider whose stream the test writes byte by byte, to check the SSE parsing. */
describe('streamCompletion', () => {
  let server: Server;
  let script: (res: ServerResponse) => Promise<void>;
  let provider: Provider;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        void script(res);
      });
    });
    provider = await providerOn(server, 'raw');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const chunk = (content: string) =>
    `data: ${JSON.stringify({ choices: [{ delta: { content }, finish_reason: null }] })}`;
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const run = () => {
    const pieces: string[] = [];
    const done = streamCompletion(provider, [{ role: 'user', content: 'hi' }], 2000, (d) =>
      pieces.push(d.content),
    );
    return { pieces, done };
  };

  it('reads events split anywhere across packets, with CRLF line ends and comments', async () => {
    const text = `: keep-alive\r\n\r\n${chunk('Hel')}\r\n\r\n${chunk('lo')}\r\n\r\ndata: [DONE]\r\n\r\n`;
    script = async (res) => {
      for (let i = 0; i < text.length; i += 7) {
        res.write(text.slice(i, i + 7));
        await tick();
      }
      res.end();
    };
    const { pieces, done } = run();
    await expect(done).resolves.toMatchObject({ content: 'Hello', provider: 'raw' });
    expect(pieces).toEqual(['Hel', 'lo']);
  });

  it('joins an event’s data lines and ignores its other fields', async () => {
    const json = JSON.stringify({ choices: [{ delta: { content: 'two lines' } }] });
    const half = json.indexOf(':') + 1; // a newline between two JSON tokens is whitespace
    script = async (res) => {
      res.end(
        `event: message\nid: 1\ndata: ${json.slice(0, half)}\ndata:${json.slice(half)}\n\n` +
          `${chunk('!')}\n\ndata: [DONE]\n\n`,
      );
    };
    const { pieces, done } = run();
    await expect(done).resolves.toMatchObject({ content: 'two lines!' });
    expect(pieces).toEqual(['two lines', '!']);
    expect(eventData('data: {"a":1}')).toBe('{"a":1}');
    expect(eventData('data:  two spaces')).toBe(' two spaces');
    expect(eventData(': comment only')).toBe('');
  });

  it('calls a stream that ends without [DONE] broken, after handing over what arrived', async () => {
    script = async (res) => {
      res.write(`${chunk('partial')}\n\n`);
      await tick();
      res.end();
    };
    const { pieces, done } = run();
    await expect(done).rejects.toThrow('stream ended before [DONE]');
    expect(pieces).toEqual(['partial']);
  });

  it('turns an error event into a ProviderError', async () => {
    script = async (res) => {
      res.end(`data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`);
    };
    const { done } = run();
    await expect(done).rejects.toBeInstanceOf(ProviderError);
    await expect(run().done).rejects.toThrow('error in stream: overloaded');
  });

  it('gives up on a provider silent for longer than the timeout between pieces', async () => {
    script = async (res) => {
      res.write(`${chunk('then nothing')}\n\n`); // and the connection stays open
    };
    const pieces: string[] = [];
    const done = streamCompletion(provider, [{ role: 'user', content: 'hi' }], 150, (d) =>
      pieces.push(d.content),
    );
    await expect(done).rejects.toThrow('timed out after 150 ms');
    expect(pieces).toEqual(['then nothing']);
  });
});

/** A provider answering plain JSON, as the test scripts it. */
describe('chatCompletion', () => {
  let server: Server;
  let answer: (res: ServerResponse) => void;
  let provider: Provider;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    provider = await providerOn(server, 'json');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const ask = () => chatCompletion(provider, [{ role: 'user', content: 'hi' }], 2000);

  it('reads the answer and its usage, and keeps connections for the next calls', async () => {
    const ports = new Set<number>();
    answer = (res) => {
      ports.add(res.socket!.remotePort!);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          model: 'served-model',
          choices: [{ message: { content: 'Hello' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
        }),
      );
    };
    await expect(ask()).resolves.toMatchObject({
      provider: 'json',
      model: 'served-model',
      content: 'Hello',
      tokens_used: 3,
      usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
    });
    for (let i = 0; i < 4; i += 1) await ask();
    expect(ports.size).toBeLessThan(5); // kept-alive connections, not one per call
  });

  it('refuses an answer over 16 MiB instead of reading it all', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const mib = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 17; i += 1) res.write(mib);
      res.end('{}');
    };
    const failure = ask();
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toThrow(`answer over ${16 * 1024 * 1024} bytes`);
  });

  it('gives up on an answer whose body stops coming, and on one cut off mid-body', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"choices":'); // and nothing more
    };
    const stalled = chatCompletion(provider, [{ role: 'user', content: 'hi' }], 200);
    await expect(stalled).rejects.toBeInstanceOf(ProviderError);
    await expect(stalled).rejects.toThrow('timed out after 200 ms');
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
      res.write('{"choices":', () => res.destroy());
    };
    await expect(ask()).rejects.toBeInstanceOf(ProviderError);
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'again' } }] }));
    };
    await expect(ask()).resolves.toMatchObject({ content: 'again' }); // the client still works
  });

  it("ends the request when the caller's signal fires, before or during the call", async () => {
    let closed = 0;
    answer = (res) => {
      res.on('close', () => (closed += 1)); // and no answer
    };
    const caller = new AbortController();
    const during = chatCompletion(provider, [{ role: 'user', content: 'hi' }], 2000, {
      signal: caller.signal,
    });
    setTimeout(() => caller.abort(), 50);
    await expect(during).rejects.toThrow('cancelled by the caller');
    const deadline = Date.now() + 2000;
    while (closed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(1); // the provider saw its connection end, not a timeout

    const before = chatCompletion(provider, [{ role: 'user', content: 'hi' }], 2000, {
      signal: caller.signal, // already aborted
    });
    await expect(before).rejects.toThrow('cancelled by the caller');
  });

  it('calls a base URL with no path at /chat/completions, and one with a path below it', async () => {
    const paths: string[] = [];
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'ok' } }] }));
    };
    const seen = (req: IncomingMessage) => paths.push(req.url ?? '');
    server.prependListener('request', seen);
    const origin = provider.base_url.replace(/\/v1$/, '');
    const messages = [{ role: 'user' as const, content: 'hi' }];
    await chatCompletion({ ...provider, base_url: `${origin}/` }, messages, 2000);
    await chatCompletion({ ...provider, base_url: `${origin}/api/v2//` }, messages, 2000);
    server.off('request', seen);
    expect(paths).toEqual(['/chat/completions', '/api/v2/chat/completions']);
  });

  it('turns a non-2xx status and a body that is not JSON into ProviderErrors', async () => {
    answer = (res) => {
      res.writeHead(503);
      res.end('overloaded');
    };
    await expect(ask()).rejects.toThrow('HTTP 503');
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>');
    };
    await expect(ask()).rejects.toThrow('response is not JSON');
  });
});
