import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeedSocket, FeedStream, listenOnce } from './support/event-feeds';
import { bootApp, TestApp, waitFor } from './support/test-app';

const CANONICAL = {
  type: 'system.correlation.updated',
  source: 'e2e',
  payload: { correlation_id: 'c-1', related_events: ['e1', 'e2'], strength: 0.75 },
};

/** Boots an app with extra `events` config (through VX11_CONFIG_FILE) and env overrides. */
async function bootWithEvents(events: Record<string, number>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vx11-events-cfg-'));
  const file = join(dir, 'events.json');
  writeFileSync(file, JSON.stringify({ events }));
  const t = await bootApp({ VX11_CONFIG_FILE: file, ...env });
  const close = t.close;
  t.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return t;
}

/** The frame from issue 10: 5000 nested arrays as a "type" (JSON.stringify overflowed on it). */
const CRASH_FRAME = `{"action":"subscribe","types":${'['.repeat(5000)}${']'.repeat(5000)}}`;

const frameWithTypes = (types: unknown[]) => JSON.stringify({ action: 'subscribe', types });

const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;

async function refusal(
  promise: Promise<unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { status: number; body: Record<string, unknown> };
  }
  throw new Error('the upgrade was accepted');
}

describe('live feeds', () => {
  let t: TestApp;
  let port: number;
  const open: Array<FeedSocket | FeedStream> = [];
  const ws = async (
    query = '',
    headers: Record<string, string> = { 'x-vx11-token': t.config.token! },
  ) => {
    const socket = await FeedSocket.connect(port, query, headers);
    open.push(socket);
    return socket;
  };
  const sse = async (query = '', headers: Record<string, string> = t.auth) => {
    const stream = await FeedStream.open(port, `/operator/api/events${query}`, headers);
    open.push(stream);
    return stream;
  };
  const ingest = (body: object) =>
    t.http().post('/events/ingest').set(t.auth).send(body).expect(201);

  beforeAll(async () => {
    t = await bootApp();
    port = await listenOnce(t.app);
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(() => t.close());

  it('delivers a canonical event to a connected WebSocket client and an SSE client', async () => {
    const socket = await ws();
    const hello = await socket.next((f) => f.type === 'connected');
    expect(hello).toEqual({
      channel: 'control',
      type: 'connected',
      client_id: expect.any(String),
      types: ['*'],
    });
    expect(socket.frames[0]).toBe(hello); // the first frame
    const stream = await sse('', { ...t.auth, 'x-correlation-id': 'sse-corr-1' });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['x-correlation-id']).toBe('sse-corr-1'); // written raw, still echoed

    const res = await ingest(CANONICAL);
    const expected = {
      id: expect.any(Number),
      event_id: res.body.event_id,
      type: 'system.correlation.updated',
      source: 'e2e',
      timestamp: expect.stringMatching(/Z$/),
      correlation_id: expect.any(String),
      severity: 'info',
      payload: CANONICAL.payload,
      canonical: true,
    };
    expect(await socket.nextEvent((e) => e.event_id === res.body.event_id)).toEqual(expected);
    expect(await stream.nextEvent((e) => e.event_id === res.body.event_id)).toEqual(expected);
    const message = stream.messages.find((m) => m.data.includes(res.body.event_id))!;
    const stored = await t
      .http()
      .get('/operator/api/events?type=system.correlation.updated&limit=1')
      .set(t.auth);
    expect(stored.body.events[0]).toEqual(expected);
    expect(message.id).toBe(String(stored.body.events[0].id));
  });

  it('refuses a WebSocket without a token (401) or with a wrong one (403), as plain HTTP', async () => {
    const none = await refusal(FeedSocket.connect(port, '', {}));
    expect(none).toMatchObject({ status: 401, body: { error: 'auth_required', status_code: 401 } });
    const wrong = await refusal(FeedSocket.connect(port, '?token=wrong-token-wrong-token', {}));
    expect(wrong).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const wrongHeader = await refusal(
      FeedSocket.connect(port, '', { 'x-vx11-token': 'nope-nope-nope-nope' }),
    );
    expect(wrongHeader.status).toBe(403);
  });

  it('accepts the token as a header, a Bearer token or ?token=', async () => {
    await ws('', { 'x-vx11-token': t.config.token! });
    await ws('', { authorization: `Bearer ${t.config.token}` });
    const byQuery = await ws(`?token=${encodeURIComponent(t.config.token!)}`, {});
    await byQuery.next((f) => f.type === 'connected');
  });

  it('answers a plain HTTP GET /ws with 426, and serves other upgrade requests as plain HTTP', async () => {
    const res = await t.http().get('/ws').set(t.auth).expect(426);
    expect(res.body).toMatchObject({ error: 'upgrade_required', status_code: 426 });
    // a WebSocket handshake elsewhere gets the route's own answer (here: no such route)
    const other = await refusal(FeedSocket.connect(port, '', t.auth, '/elsewhere'));
    expect(other).toMatchObject({ status: 404, body: { error: 'not_found' } });
    // curl --http2 on plain HTTP asks for h2c; it must still get its ordinary response
    const h2c = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/health',
          headers: { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': '' },
        },
        (r) => {
          let body = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(h2c.status).toBe(200);
    expect(JSON.parse(h2c.body)).toMatchObject({ status: 'ok' });
  });

  it('sends only subscribed types, answers ping, and keeps the socket after bad messages', async () => {
    const socket = await ws();
    socket.send({ action: 'subscribe', types: ['filter.wanted', 'family.*'] });
    expect(await socket.next((f) => f.type === 'subscribed')).toEqual({
      channel: 'control',
      type: 'subscribed',
      types: ['filter.wanted', 'family.*'],
    });
    await ingest({ type: 'filter.other', payload: {} });
    const wanted = await ingest({ type: 'filter.wanted', payload: {} });
    const family = await ingest({ type: 'family.member', payload: {} });
    await socket.nextEvent((e) => e.event_id === family.body.event_id);
    expect(socket.events().map((e) => e.type)).toEqual(['filter.wanted', 'family.member']);
    expect(socket.events()[0].event_id).toBe(wanted.body.event_id);

    for (const bad of [
      'not json',
      '[]',
      '{"action":"explode"}',
      '{"action":"subscribe","types":["bad type"]}',
    ]) {
      socket.send(bad);
    }
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => socket.frames.filter((f) => f.type === 'error').length === 5);
    expect(socket.frames.filter((f) => f.type === 'error').map((f) => f.error)).toEqual([
      'invalid_json',
      'invalid_message',
      'unknown_action',
      'invalid_types',
      'invalid_message',
    ]);
    socket.send({ action: 'ping' });
    expect(await socket.next((f) => f.type === 'pong')).toMatchObject({
      channel: 'control',
      type: 'pong',
    });

    socket.send({ action: 'unsubscribe', types: ['filter.wanted'] });
    await socket.next((f) => f.type === 'unsubscribed');
    await ingest({ type: 'filter.wanted', payload: {} });
    const last = await ingest({ type: 'family.last', payload: {} });
    await socket.nextEvent((e) => e.event_id === last.body.event_id);
    expect(socket.events().map((e) => e.type)).toEqual([
      'filter.wanted',
      'family.member',
      'family.last',
    ]);
  });

  it('answers the 5000-deep crash frame with an error frame and keeps the socket and the app up', async () => {
    const feedToken = (
      await t.http().post('/operator/api/events/sse-token').set(t.auth).expect(201)
    ).body.token as string;
    const operator = await ws();
    const feed = await ws(`?token=${encodeURIComponent(feedToken)}`, {});
    for (const socket of [operator, feed]) {
      await socket.next((f) => f.type === 'connected');
      socket.send(CRASH_FRAME);
      const error = await socket.next((f) => f.type === 'error');
      expect(error).toEqual({
        channel: 'control',
        type: 'error',
        error: expect.stringMatching(/^(invalid_types|invalid_message|invalid_json)$/),
        message: expect.any(String),
      });
      expect((error.message as string).length).toBeLessThan(200);
      socket.send({ action: 'ping' });
      await socket.next((f) => f.type === 'pong');
      expect(socket.closed).toBeUndefined();
    }
    await t.http().get('/health').expect(200);
  });

  it('answers every other hostile frame with a short error frame, never a crash', async () => {
    const socket = await ws();
    await socket.next((f) => f.type === 'connected');
    const hostile: Array<[string, string | Buffer, boolean]> = [
      ['a 60,000-character type', frameWithTypes(['a'.repeat(60_000)]), false],
      [
        '50 long bad types',
        frameWithTypes(Array.from({ length: 50 }, () => 'b c'.repeat(300))),
        false,
      ],
      ['10,000 types', frameWithTypes(Array.from({ length: 10_000 }, () => 'x.y')), false],
      [
        '3000-deep objects as a type',
        `{"action":"subscribe","types":[${nestedObjects(3000)}]}`,
        false,
      ],
      ['5000-deep "action"', `{"action":${'['.repeat(5000)}${']'.repeat(5000)}}`, false],
      ['a binary frame', Buffer.from(CRASH_FRAME), true],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), false],
    ];
    for (const [, frame, binary] of hostile) socket.ws.send(frame, { binary });
    await waitFor(() => socket.frames.filter((f) => f.type === 'error').length === hostile.length);
    const errors = socket.frames.filter((f) => f.type === 'error');
    expect(errors.map((f) => f.error)).toEqual([
      'invalid_types',
      'invalid_types',
      'invalid_types',
      'invalid_message',
      'invalid_message',
      'invalid_message',
      'invalid_message',
    ]);
    for (const error of errors) expect((error.message as string).length).toBeLessThan(400);

    // brackets inside a string are text, not nesting
    socket.send({ action: 'subscribe', types: [`"\\${'['.repeat(50)}`] });
    await socket.next((f) => f.type === 'error' && /\[\[\[/.test(f.message as string));
    socket.send({ action: 'subscribe', types: ['still.works'] });
    expect(await socket.next((f) => f.type === 'subscribed')).toMatchObject({
      types: ['still.works'],
    });
    socket.send({ action: 'ping' });
    await socket.next((f) => f.type === 'pong');
    expect(socket.closed).toBeUndefined();
    await t.http().get('/health').expect(200);
  });

  it('closes (1009) a socket whose frame is over the size limit, and stays up', async () => {
    const socket = await ws();
    await socket.next((f) => f.type === 'connected');
    socket.send(frameWithTypes(['x'.repeat(70_000)]));
    await waitFor(() => socket.closed !== undefined);
    expect(socket.closed?.code).toBe(1009);
    const next = await ws();
    await next.next((f) => f.type === 'connected');
    await t.http().get('/health').expect(200);
  });

  it('narrows a WebSocket from the start with ?types=, and refuses a bad list', async () => {
    const socket = await ws('?types=only.this');
    expect(await socket.next((f) => f.type === 'connected')).toMatchObject({
      types: ['only.this'],
    });
    await ingest({ type: 'not.this', payload: {} });
    const res = await ingest({ type: 'only.this', payload: {} });
    await socket.nextEvent((e) => e.event_id === res.body.event_id);
    expect(socket.events()).toHaveLength(1);
    const bad = await refusal(
      FeedSocket.connect(port, '?types=bad%20type', { 'x-vx11-token': t.config.token! }),
    );
    expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
  });

  it('filters an SSE stream by type and severity', async () => {
    const stream = await sse('?type=sse.*&severity=error,critical');
    await ingest({ type: 'sse.info', payload: {} });
    await ingest({ type: 'other.error', severity: 'error', payload: {} });
    const hit = await ingest({ type: 'sse.boom', severity: 'critical', payload: { n: 1 } });
    await stream.nextEvent((e) => e.event_id === hit.body.event_id);
    expect(stream.events().map((e) => e.type)).toEqual(['sse.boom']);
  });

  it('replays what an SSE client missed when it reconnects with Last-Event-ID', async () => {
    const first = await sse('?type=replay.*');
    const a = await ingest({ type: 'replay.a', payload: {} });
    await first.nextEvent((e) => e.event_id === a.body.event_id);
    const lastId = first.messages.at(-1)!.id!;
    first.close();
    await ingest({ type: 'replay.b', payload: {} });
    await ingest({ type: 'other.c', payload: {} });
    const again = await sse('?type=replay.*', { ...t.auth, 'last-event-id': lastId });
    await again.nextEvent((e) => e.type === 'replay.b');
    const live = await ingest({ type: 'replay.d', payload: {} });
    await again.nextEvent((e) => e.event_id === live.body.event_id);
    expect(again.events().map((e) => e.type)).toEqual(['replay.b', 'replay.d']);
  });

  it('requires a token for SSE: 401 without, 403 wrong; the operator token also works as ?token=', async () => {
    expect((await sse('', {})).status).toBe(401);
    expect((await sse('?token=wrong-token-wrong-token', {})).status).toBe(403);
    expect(JSON.parse((await sse('', {})).body)).toMatchObject({ error: 'auth_required' });
    expect((await sse(`?token=${encodeURIComponent(t.config.token!)}`, {})).status).toBe(200);
  });

  it('publishes window.opened to the ledger and to both feeds when a window opens', async () => {
    const socket = await ws();
    socket.send({ action: 'subscribe', types: ['window.*'] });
    await socket.next((f) => f.type === 'subscribed');
    const stream = await sse('?type=window.opened');
    const opened = await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'hermes', ttl_sec: 60, reason: 'events e2e' })
      .expect(200);
    try {
      const byWindow = (e: Record<string, unknown>) =>
        e.type === 'window.opened' &&
        (e.payload as { window_id: string }).window_id === opened.body.window_id;
      const onWs = await socket.nextEvent(byWindow);
      expect(onWs).toMatchObject({
        source: 'madre',
        canonical: false,
        payload: { window_id: opened.body.window_id, services: ['hermes'], reason: 'events e2e' },
      });
      expect(await stream.nextEvent(byWindow)).toEqual(onWs);
      const stored = await t
        .http()
        .get('/operator/api/events?type=window.opened')
        .set(t.auth)
        .expect(200);
      expect(stored.body.events[0]).toEqual(onWs);
    } finally {
      await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
    }
    await socket.nextEvent((e) => e.type === 'window.closed');
  });

  it('counts live subscribers per feed in /metrics', async () => {
    await ws();
    await sse();
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(/vx11_events_feed_subscribers\{feed="ws"\} 1/);
    expect(res.text).toMatch(/vx11_events_feed_subscribers\{feed="sse"\} 1/);
  });
});

describe('SSE tokens', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await bootWithEvents({ heartbeatSec: 1 }, { VX11_SSE_TOKEN_TTL_SEC: '1' });
    port = await listenOnce(t.app);
  });
  afterAll(() => t.close());

  const mint = async () =>
    (await t.http().post('/operator/api/events/sse-token').set(t.auth).expect(201)).body;

  it('opens the feeds (SSE and WS) until its TTL, and nothing else', async () => {
    const issued = await mint();
    expect(issued).toEqual({
      token: expect.any(String),
      expires_at: expect.stringMatching(/Z$/),
      ttl_sec: 1,
    });
    const q = `?token=${encodeURIComponent(issued.token)}`;
    const stream = await FeedStream.open(port, `/operator/api/events${q}`);
    expect(stream.status).toBe(200);
    const socket = await FeedSocket.connect(port, q);
    try {
      // never valid outside the feeds
      await t.http().get('/api/map').set('x-vx11-token', issued.token).expect(403);
      await t.http().get('/operator/api/events').set('x-vx11-token', issued.token).expect(403);
      await t.http().get(`/operator/api/events${q}`).expect(401); // not a stream: query ignored
      await t
        .http()
        .post('/operator/api/events/sse-token')
        .set('x-vx11-token', issued.token)
        .expect(403);

      // after the TTL it is refused, on both feeds
      await waitFor(
        async () => (await FeedStream.open(port, `/operator/api/events${q}`)).status === 403,
        5000,
        100,
      );
      expect((await refusal(FeedSocket.connect(port, q))).status).toBe(403);

      // a stream opened while the token was valid keeps flowing, with heartbeats
      const res = await t.http().post('/events/ingest').set(t.auth).send(CANONICAL).expect(201);
      await stream.nextEvent((e) => e.event_id === res.body.event_id);
      await socket.nextEvent((e) => e.event_id === res.body.event_id);
      await waitFor(() => stream.comments.some((c) => c.startsWith('heartbeat')), 3000);
    } finally {
      stream.close();
      await socket.close();
    }
  });

  it('drops a WebSocket client that stops answering protocol pings', async () => {
    const socket = await FeedSocket.connect(port, '', t.auth);
    await socket.next((f) => f.type === 'connected');
    (socket.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // reads nothing, answers no ping
    await waitFor(
      async () =>
        /vx11_events_feed_dropped_total\{feed="ws",reason="dead"\} 1/.test(
          (await t.http().get('/metrics')).text,
        ),
      6000,
      100,
    );
    expect((await t.http().get('/metrics')).text).toMatch(
      /vx11_events_feed_subscribers\{feed="ws"\} 0/,
    );
    socket.ws.terminate();
  });
});

describe('a slow WebSocket client', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await bootWithEvents({ maxBufferedBytes: 65536 }, { VX11_EVENT_PAYLOAD_LIMIT: '65536' });
    port = await listenOnce(t.app);
  });
  afterAll(() => t.close());

  it('is dropped rather than slowing the others, who get every event', async () => {
    const fast = await FeedSocket.connect(port, '?types=flood.event', t.auth);
    const slow = await FeedSocket.connect(port, '?types=flood.event', t.auth);
    await slow.next((f) => f.type === 'connected');
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const blob = 'x'.repeat(60_000);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 300 && ids.length < 300; i += 1) {
        const res = await t
          .http()
          .post('/events/ingest')
          .set(t.auth)
          .send({ type: 'flood.event', payload: { i, blob } })
          .expect(201);
        ids.push(res.body.event_id);
        if (i % 20 === 0 && /reason="slow"\} 1/.test((await t.http().get('/metrics')).text)) break;
      }
      await waitFor(
        async () =>
          /vx11_events_feed_dropped_total\{feed="ws",reason="slow"\} 1/.test(
            (await t.http().get('/metrics')).text,
          ),
        5000,
      );
      await fast.nextEvent((e) => e.event_id === ids.at(-1));
      expect(fast.events().map((e) => e.event_id)).toEqual(ids);
    } finally {
      slow.ws.terminate();
      await fast.close();
    }
  });
});
