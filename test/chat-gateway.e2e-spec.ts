import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatStreamHub } from '../src/modules/hermes/chat-stream-hub.service';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TEST_TOKEN, TestApp, waitFor, openWindow } from './support/test-app';

interface SseEvent {
  event: string;
  data: string;
}

/** POST /operator/api/chat with stream:true through plain fetch, as the console does. */
async function streamChat(
  t: TestApp,
  body: Record<string, unknown>,
  onEvent?: (e: SseEvent, controller: AbortController) => void,
) {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/operator/api/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
        events.push({ event, data });
        onEvent?.({ event, data }, controller);
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return { res, events };
}

const deltas = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === 'message')
    .map((e) => (JSON.parse(e.data) as { delta: string }).delta)
    .join('');

describe('operator chat as a gateway: context, streaming, Redis hand-over', () => {
  let t: TestApp;
  let dir: string;
  const fake = new FakeProvider('ctx-switch');

  beforeAll(async () => {
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-gateway-'));
    const file = providerConfigFile(dir, [{ fake, tier: 'switch' }], {
      chat: { contextMessages: 6, contextChars: 10000, systemPrompt: 'You are VX11.' },
    });
    t = await bootApp({ VX11_CONFIG_FILE: file });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    await openWindow(t, 'switch', 600);
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset();
    t.get(ChatStreamHub).localFastPath = true;
  });

  it('sends the provider the system prompt and the session’s recent turns, five turns long', async () => {
    const session = 'five-turns';
    for (let turn = 1; turn <= 5; turn++) {
      const res = await t
        .http()
        .post('/operator/api/chat')
        .set(t.auth)
        .send({ message: `question ${turn}`, session_id: session })
        .expect(200);
      expect(res.body.response).toBe(`ctx-switch says: question ${turn}`);
    }
    const sent = fake.requests.map((r) => r.body.messages);
    expect(sent[0]).toEqual([
      { role: 'system', content: 'You are VX11.' },
      { role: 'user', content: 'question 1' },
    ]);
    expect(sent[2]).toEqual([
      { role: 'system', content: 'You are VX11.' },
      { role: 'user', content: 'question 1' },
      { role: 'assistant', content: 'ctx-switch says: question 1' },
      { role: 'user', content: 'question 2' },
      { role: 'assistant', content: 'ctx-switch says: question 2' },
      { role: 'user', content: 'question 3' },
    ]);
    // turn five: eight earlier messages, of which chat.contextMessages (6) are sent
    expect(sent[4]).toEqual([
      { role: 'system', content: 'You are VX11.' },
      { role: 'user', content: 'question 2' },
      { role: 'assistant', content: 'ctx-switch says: question 2' },
      { role: 'user', content: 'question 3' },
      { role: 'assistant', content: 'ctx-switch says: question 3' },
      { role: 'user', content: 'question 4' },
      { role: 'assistant', content: 'ctx-switch says: question 4' },
      { role: 'user', content: 'question 5' },
    ]);
    // another session shares none of it
    await t.http().post('/operator/api/chat').set(t.auth).send({ message: 'fresh' }).expect(200);
    expect(fake.last?.body.messages).toHaveLength(2);
  });

  it('streams an operator chat as SSE: start, deltas as they arrive, done with the stored answer', async () => {
    fake.behaviour = { kind: 'answer', content: 'one two three four five six', noUsage: true };
    const { res, events } = await streamChat(t, { message: 'count', session_id: 'streamed' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-vx11-provider')).toBe('ctx-switch');
    expect(events[0].event).toBe('start');
    expect(JSON.parse(events[0].data)).toMatchObject({
      session_id: 'streamed',
      fallback_source: 'switch',
      provider: 'ctx-switch',
    });
    expect(events.filter((e) => e.event === 'message').length).toBeGreaterThanOrEqual(6);
    expect(deltas(events)).toBe('one two three four five six');
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    const answer = JSON.parse(done.data);
    expect(answer).toMatchObject({
      response: 'one two three four five six',
      fallback_source: 'switch',
    });
    const session = await t.http().get('/operator/session/streamed').set(t.auth).expect(200);
    expect(session.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'count',
      'one two three four five six',
    ]);
  });

  it('carries the stream over Redis pub/sub when the in-memory hand-over is off, cancels included', async () => {
    const hub = t.get(ChatStreamHub);
    hub.localFastPath = false;
    const relayed = hub.publishedOverRedis;
    fake.behaviour = { kind: 'answer', content: 'through redis we go' };
    const { events } = await streamChat(t, { message: 'via redis' });
    expect(deltas(events)).toBe('through redis we go');
    // start, four pieces and the end all went through Redis
    expect(hub.publishedOverRedis - relayed).toBeGreaterThanOrEqual(6);
    expect(events.at(-1)?.event).toBe('done');

    fake.behaviour = { kind: 'answer', chunkDelayMs: 100, content: 'slow '.repeat(100) };
    let abortedAt = 0;
    await streamChat(t, { message: 'abort me' }, (e, controller) => {
      if (e.event === 'message' && !abortedAt) {
        abortedAt = performance.now();
        controller.abort();
      }
    });
    const closed = (await waitFor(() => fake.last?.closedAt, 3000))!;
    expect(fake.last?.completed).toBe(false);
    expect(closed - abortedAt).toBeLessThan(1000);
  });

  it('ends an operator stream with an error event when the provider dies mid-stream', async () => {
    fake.behaviour = { kind: 'die-mid-stream', chunks: 2, content: 'half of an answer' };
    const { events } = await streamChat(t, { message: 'break', session_id: 'broken' });
    expect(deltas(events)).toBe('half of ');
    expect(events.at(-1)?.event).toBe('error');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ error: 'stream_failed' });
    expect(events.some((e) => e.event === 'done')).toBe(false);
  });
});

describe('budget downgrade and max_concurrency', () => {
  let t: TestApp;
  let dir: string;
  const pricey = new FakeProvider('pricey');
  const cheap = new FakeProvider('cheap');
  const narrow = new FakeProvider('narrow');
  const wide = new FakeProvider('wide');

  beforeAll(async () => {
    await Promise.all([pricey, cheap, narrow, wide].map((f) => f.start()));
    dir = mkdtempSync(join(tmpdir(), 'vx11-budget-'));
    const file = providerConfigFile(
      dir,
      [
        {
          fake: pricey,
          tier: 'switch',
          priority: 10,
          cost_per_1k_tokens: 10,
          daily_token_budget: 1000,
        },
        { fake: cheap, tier: 'switch', priority: 0, cost_per_1k_tokens: 0.5 },
        { fake: narrow, tier: 'madre', priority: 5, max_concurrency: 1 },
        { fake: wide, tier: 'madre', priority: 0 },
      ],
      { switch: { concurrencyWaitMs: 50 }, chat: { clientRateLimit: 1000 } },
    );
    t = await bootApp({ VX11_CONFIG_FILE: file });
    await openWindow(t, 'switch', 600);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([pricey, cheap, narrow, wide].map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('chooses the cheaper provider once the preferred one is under 10% of its budget, and records the event', async () => {
    pricey.behaviour = { kind: 'answer', tokens: 950 };
    const before = await t
      .http()
      .post('/operator/api/chat')
      .set(t.auth)
      .send({ message: 'first' })
      .expect(200);
    expect(before.body.provider).toBe('pricey');

    const after = await t
      .http()
      .post('/operator/api/chat')
      .set(t.auth)
      .send({ message: 'second' })
      .expect(200);
    expect(after.body.provider).toBe('cheap');
    expect(pricey.calls).toBe(1);

    const events = await waitFor(async () => {
      const res = await t
        .http()
        .get('/operator/api/events?type=budget.downgrade')
        .set(t.auth)
        .expect(200);
      return res.body.events.length > 0 ? res.body.events : undefined;
    });
    expect(events[0].payload).toMatchObject({ from: 'pricey', to: 'cheap', threshold: 0.1 });
    expect(events[0].payload.remaining_ratio).toBeCloseTo(0.05);
    const completed = await t
      .http()
      .get('/operator/api/events?type=chat.completed')
      .set(t.auth)
      .expect(200);
    expect(completed.body.events[0].payload.fallback_reason).toContain(
      'budget downgrade: pricey has 5% of its daily budget left',
    );
    const metrics = await t.http().get('/metrics').set(t.auth).expect(200);
    expect(metrics.text).toMatch(/vx11_provider_budget_remaining_ratio\{provider="pricey"\} 0\.05/);
  });

  it('lets a provider at max_concurrency refuse the excess, which the next provider answers', async () => {
    // madre's tier called directly; narrow (max_concurrency 1) holds its slot for a while
    narrow.behaviour = { kind: 'delay', ms: 800 };
    const answers = await Promise.all(
      [1, 2, 3].map((i) =>
        t
          .http()
          .post('/madre/chat')
          .set(t.auth)
          .send({ messages: [{ role: 'user', content: `c${i}` }] })
          .expect(200),
      ),
    );
    const providers = answers.map((a) => a.body.provider).sort();
    expect(providers).toEqual(['narrow', 'wide', 'wide']);
    expect(narrow.maxInFlight).toBe(1);
    const refused = answers.find((a) => a.body.provider === 'wide')!;
    expect(refused.body.fallback_reason).toContain('narrow busy');
  });
});
