import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFileEnv } from './support/config-file';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TEST_TOKEN, TestApp, waitFor, openWindow } from './support/test-app';

/** The official SDK pointed at VX11, as any user would (no retries: every answer counts). */
const clientFor = (t: TestApp, apiKey = TEST_TOKEN) => {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new OpenAI({
    apiKey,
    baseURL: `http://127.0.0.1:${port}/v1`,
    maxRetries: 0,
    timeout: 20_000,
  });
};

const ask = (content: string) => [{ role: 'user' as const, content }];

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return {
    chunks,
    text: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
  };
}

describe('the OpenAI-compatible API, through the official openai SDK', () => {
  let t: TestApp;
  let dir: string;
  let client: OpenAI;
  const first = new FakeProvider('sw-first');
  const second = new FakeProvider('sw-second');
  const madre = new FakeProvider('madre-one');

  beforeAll(async () => {
    await Promise.all([first.start(), second.start(), madre.start()]);
    dir = mkdtempSync(join(tmpdir(), 'vx11-openai-'));
    const file = providerConfigFile(
      dir,
      [
        { fake: first, tier: 'switch', priority: 2 },
        { fake: second, tier: 'switch', priority: 1 },
        { fake: madre, tier: 'madre' },
      ],
      // the breaker must not open while tests make providers fail on purpose
      { chat: { rateLimit: 4 }, switch: { breakerCooldownMs: 100 } },
    );
    t = await bootApp({ VX11_CONFIG_FILE: file });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    client = clientFor(t);
    await openWindow(t, 'switch', 600);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([first.stop(), second.stop(), madre.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    for (const f of [first, second, madre]) f.reset();
    // a provider failed on purpose in an earlier test may still have its breaker half-open
    await waitFor(async () => {
      const res = await t.http().get('/switch/providers').set(t.auth);
      return res.body.providers.every(
        (p: { breaker: { state: string } }) => p.breaker.state !== 'open',
      );
    });
  });

  it('lists vx11-auto and every provider’s model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(
      expect.arrayContaining(['vx11-auto', 'sw-first/sw-first-model', 'madre-one/madre-one-model']),
    );
    expect(models[0]).toBe('vx11-auto');
  });

  it('refuses a wrong key with AuthenticationError, in OpenAI’s error shape', async () => {
    const wrong = clientFor(t, 'not-the-token-0123456789');
    const err = await wrong.chat.completions
      .create({ model: 'vx11-auto', messages: ask('hi') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).status).toBe(401);
    expect((err as AuthenticationError).error).toMatchObject({
      type: 'authentication_error',
      code: expect.any(String),
    });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    // every other route keeps VX11's own error shape
    const own = await t
      .http()
      .get('/operator/api/status')
      .set('x-vx11-token', 'wrong-token-0123456789')
      .expect(403);
    expect(own.body).toMatchObject({
      error: 'forbidden',
      status_code: 403,
      correlation_id: expect.any(String),
    });
    expect(first.calls).toBe(0);
  });

  it('answers a non-streaming completion through switch, with usage and the vx11 headers', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'vx11-auto',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'two' },
          { role: 'user', content: [{ type: 'text', text: 'three' }] },
        ],
        temperature: 0.2,
        max_tokens: 50,
        // not a field VX11 knows: passed through untouched
        seed: 7,
      })
      .withResponse();
    expect(data).toMatchObject({
      object: 'chat.completion',
      model: 'sw-first-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'sw-first says: three' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    });
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(response.headers.get('x-vx11-fallback-source')).toBe('switch');
    expect(response.headers.get('x-vx11-provider')).toBe('sw-first');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    expect(first.last?.body).toMatchObject({
      model: 'sw-first-model',
      temperature: 0.2,
      max_tokens: 50,
      seed: 7,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'two' },
        { role: 'user', content: 'three' },
      ],
    });
  });

  it('streams a completion through switch as chat.completion.chunk events', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'vx11-auto',
        messages: ask('stream me please'),
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-vx11-provider')).toBe('sw-first');
    const { chunks, text } = await collect(stream);
    expect(text).toBe('sw-first says: stream me please');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: 12 });
    expect(first.last?.body.stream).toBe(true);
  });

  it('falls back to the next provider when the first fails before its first chunk, and the header names it', async () => {
    first.behaviour = { kind: 'fail', status: 503 };
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'vx11-auto', messages: ask('who answers'), stream: true })
      .withResponse();
    expect(response.headers.get('x-vx11-provider')).toBe('sw-second');
    expect(response.headers.get('x-vx11-fallback-source')).toBe('switch');
    expect((await collect(stream)).text).toBe('sw-second says: who answers');
    expect(first.calls).toBe(1);
  });

  it('raises in the SDK when the provider dies mid-stream, instead of a truncated answer that looks complete', async () => {
    first.behaviour = {
      kind: 'die-mid-stream',
      chunks: 2,
      content: 'this answer will never be finished',
    };
    const stream = await client.chat.completions.create({
      model: 'sw-first', // pinned: the score ranking must not pick the other provider
      messages: ask('x'),
      user: 'mid-stream',
      stream: true,
    });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta?.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(String((err as APIError).message)).toContain('broke off');
    expect(seen.join('')).toBe('this answer ');
    // the other provider was not asked: the client already had a piece of this one's answer
    expect(second.calls).toBe(0);
    // and the broken answer is not stored as if it were complete
    const session = await t.http().get('/operator/session/user:mid-stream').set(t.auth).expect(200);
    expect(session.body.messages.map((m: { role: string }) => m.role)).toEqual(['user']);
  });

  it('cancels the provider request within 1 s when the client aborts the stream', async () => {
    first.behaviour = { kind: 'answer', chunkDelayMs: 100, content: 'slow '.repeat(100) };
    const stream = await client.chat.completions.create({
      model: 'sw-first',
      messages: ask('slow'),
      stream: true,
    });
    let abortedAt = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) {
        abortedAt = performance.now();
        stream.controller.abort();
        break;
      }
    }
    const closed = (await waitFor(() => first.last?.closedAt, 3000))!;
    expect(first.last?.completed).toBe(false);
    expect(closed - abortedAt).toBeLessThan(1000);
    // the provider slot is free again: the next call is answered
    first.behaviour = { kind: 'answer' };
    const next = await client.chat.completions.create({
      model: 'sw-first',
      messages: ask('again'),
    });
    expect(next.choices[0].message.content).toBe('sw-first says: again');
  });

  it('pins a provider by name or provider/model, and refuses an unknown model with NotFoundError', async () => {
    const pinned = await client.chat.completions.create({
      model: 'sw-second',
      messages: ask('pinned'),
    });
    expect(pinned.choices[0].message.content).toBe('sw-second says: pinned');
    expect(first.calls).toBe(0);
    await client.chat.completions.create({
      model: 'sw-second/another-model',
      messages: ask('other'),
    });
    expect(second.last?.body.model).toBe('another-model');
    const missing = await client.chat.completions
      .create({ model: 'gpt-nope', messages: ask('x') })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).error).toMatchObject({ code: 'model_not_found' });
  });

  it('keeps to a pinned provider that fails unless the request says fallback:true', async () => {
    second.behaviour = { kind: 'fail', status: 500 };
    const strict = await client.chat.completions
      .create({ model: 'sw-second', messages: ask('status') })
      .withResponse();
    expect(strict.response.headers.get('x-vx11-fallback-source')).toBe('local_llm_degraded');
    expect(first.calls + madre.calls).toBe(0);
    const loose = await client.chat.completions
      .create({
        model: 'sw-second',
        messages: ask('fall'),
        fallback: true,
      } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(loose.response.headers.get('x-vx11-provider')).toBe('sw-first');
    expect(loose.data.choices[0].message.content).toBe('sw-first says: fall');
  });

  it('refuses bad requests with BadRequestError naming the field', async () => {
    const empty = await client.chat.completions
      .create({ model: 'vx11-auto', messages: [] })
      .catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((empty as BadRequestError).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'validation_failed',
      param: 'messages',
    });
    const image = await client.chat.completions
      .create({
        model: 'vx11-auto',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] },
        ],
      })
      .catch((e: unknown) => e);
    expect(image).toBeInstanceOf(BadRequestError);
    const temp = await client.chat.completions
      .create({ model: 'vx11-auto', messages: ask('x'), temperature: 9 })
      .catch((e: unknown) => e);
    expect((temp as BadRequestError).error).toMatchObject({ param: 'temperature' });
    expect(first.calls).toBe(0);
  });

  it('reads objects with a `constructor` key in untyped fields as data, never as a 500', async () => {
    const part = await t
      .http()
      .post('/v1/chat/completions')
      .set(t.auth)
      .send({ messages: [{ role: 'user', content: [{ constructor: 1 }] }] });
    expect(part.status).toBe(400);
    expect(part.body.error).toMatchObject({ param: 'messages.0.content' });
    const passThrough = await t
      .http()
      .post('/v1/chat/completions')
      .set(t.auth)
      .send({
        messages: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'x', constructor: 1 }],
            tools: [{ constructor: 1 }],
          },
        ],
        metadata: [{ constructor: 1 }],
      });
    expect(passThrough.status).toBe(200);
  });

  it('records the exchange in a session for `user` or x-vx11-session-id, with its token usage', async () => {
    await client.chat.completions.create({
      model: 'sw-first',
      messages: ask('remember me'),
      user: 'alice',
    });
    await client.chat.completions
      .create(
        { model: 'sw-first', messages: ask('streamed too'), stream: true },
        { headers: { 'x-vx11-session-id': 'sdk-session-1' } },
      )
      .then(collect);
    const alice = await t.http().get('/operator/session/user:alice').set(t.auth).expect(200);
    expect(alice.body.messages).toMatchObject([
      { role: 'user', content: 'remember me' },
      {
        role: 'assistant',
        content: 'sw-first says: remember me',
        fallback_source: 'switch',
        provider: 'sw-first',
      },
    ]);
    const streamed = await t.http().get('/operator/session/sdk-session-1').set(t.auth).expect(200);
    expect(streamed.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'streamed too',
      'sw-first says: streamed too',
    ]);
  });

  it('answers 429 as RateLimitError once a session is over its rate', async () => {
    const user = 'busy-user';
    for (let i = 0; i < 4; i++)
      await client.chat.completions.create({ messages: ask(`m${i}`), model: 'vx11-auto', user });
    const err = await client.chat.completions
      .create({ messages: ask('one more'), model: 'vx11-auto', user })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('the OpenAI-compatible API with no provider configured', () => {
  let t: TestApp;
  let cleanup: () => void;
  beforeAll(async () => {
    const cfg = configFileEnv({});
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('answers from the local degraded tier with HTTP 200, streamed or not', async () => {
    const client = clientFor(t);
    const { data, response } = await client.chat.completions
      .create({ model: 'vx11-auto', messages: ask('status') })
      .withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-vx11-fallback-source')).toBe('local_llm_degraded');
    expect(data.model).toBe('vx11-local-degraded');
    expect(data.choices[0].message.content).toContain('Status: mode');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'vx11-auto',
      messages: ask('status'),
      stream: true,
    });
    const { chunks, text } = await collect(stream);
    expect(text).toBe(data.choices[0].message.content);
    expect(chunks.length).toBeGreaterThan(3);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['vx11-auto']);
  });
});
