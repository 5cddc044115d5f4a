import Database from 'better-sqlite3';
import { databasePath } from '../src/core/database/data-source-options';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp } from './support/test-app';

const TENSION = {
  type: 'switch.tension.updated',
  source: 'e2e',
  payload: { value: 3, components: { latency: 1, errors: 2 } },
};

describe('POST /events/ingest', () => {
  let t: TestApp;
  let db: Database.Database;
  beforeAll(async () => {
    t = await bootApp({ VX11_EVENT_PAYLOAD_LIMIT: '1024' });
    db = new Database(databasePath(t.config.dataDir), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  const ingest = (body: unknown) =>
    t
      .http()
      .post('/events/ingest')
      .set(t.auth)
      .set('content-type', 'application/json')
      .send(body as object);
  const rowsOfType = (type: string) =>
    db.prepare('SELECT * FROM events WHERE type = ? ORDER BY id').all(type) as Record<
      string,
      unknown
    >[];

  it('stores a canonical event with its fields and answers after the commit', async () => {
    const res = await ingest({ ...TENSION, correlation_id: 'ingest-ok-1' }).expect(201);
    expect(res.body).toEqual({ status: 'received', event_id: expect.any(String), canonical: true });
    expect(res.body.event_id).toMatch(/^[0-9a-f-]{36}$/);
    // durable before the answer: the row is there the moment the 201 arrives
    const row = db
      .prepare('SELECT * FROM events WHERE event_id = ?')
      .get(res.body.event_id) as Record<string, unknown>;
    expect(row).toMatchObject({
      type: 'switch.tension.updated',
      source: 'e2e',
      severity: 'info',
      correlation_id: 'ingest-ok-1',
      canonical: 1,
      payload: '{"components":{"errors":2,"latency":1},"value":3}',
    });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("uses the request's correlation id and normalizes the timestamp to UTC", async () => {
    const res = await t
      .http()
      .post('/events/ingest')
      .set(t.auth)
      .set('x-correlation-id', 'from-the-header')
      .send({ ...TENSION, severity: 'warning', timestamp: '2026-01-02T05:04:05.678+02:00' })
      .expect(201);
    const page = await t
      .http()
      .get('/operator/api/events?type=switch.tension.updated&limit=1')
      .set(t.auth)
      .expect(200);
    expect(page.body.events[0]).toMatchObject({
      event_id: res.body.event_id,
      correlation_id: 'from-the-header',
      severity: 'warning',
      timestamp: '2026-01-02T03:04:05.678Z',
      canonical: true,
      payload: TENSION.payload,
    });
  });

  it.each([
    [
      'system.correlation.updated',
      { correlation_id: 'c', related_events: 'e1', strength: '0.5' },
      ['payload.related_events', 'payload.strength'],
    ],
    ['switch.tension.updated', { value: 1.5 }, ['payload.value', 'payload.components']],
    ['switch.tension.updated', { value: 2, components: [1] }, ['payload.components']],
    ['system.alert', { alert_id: 'a', message: 'm' }, ['payload.severity']],
    [
      'madre.decision.explained',
      { decision_id: 'd', summary: 's', confidence: 'high' },
      ['payload.confidence'],
    ],
    ['shub.action.narrated', {}, ['payload.action', 'payload.reason', 'payload.next_step']],
    ['forensic.snapshot.created', { snapshot_id: 7, reason: 'r' }, ['payload.snapshot_id']],
  ])(
    'refuses %s with missing or mistyped fields: 422 naming them, nothing stored',
    async (type, payload, fields) => {
      const before = rowsOfType(type).length;
      const res = await ingest({ type, payload }).expect(422);
      expect(res.body).toMatchObject({ error: 'invalid_event_payload', status_code: 422 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(fields);
      for (const field of fields) expect(res.body.message).toContain(field);
      expect(rowsOfType(type)).toHaveLength(before);
    },
  );

  it('stores any other type with canonical:false', async () => {
    const res = await ingest({
      type: 'custom.thing_happened',
      payload: { anything: [1, 'two'] },
    }).expect(201);
    expect(res.body).toMatchObject({ status: 'received', canonical: false });
    const [row] = rowsOfType('custom.thing_happened');
    expect(row).toMatchObject({ event_id: res.body.event_id, canonical: 0, source: 'external' });
  });

  it('refuses a payload over the configured limit with 413, nothing stored', async () => {
    const res = await ingest({ type: 'big.payload', payload: { blob: 'x'.repeat(1100) } }).expect(
      413,
    );
    expect(res.body).toMatchObject({
      error: 'payload_too_large',
      status_code: 413,
      limit_bytes: 1024,
    });
    expect(res.body.size_bytes).toBeGreaterThan(1024);
    expect(rowsOfType('big.payload')).toHaveLength(0);
    await ingest({ type: 'big.payload', payload: { blob: 'x'.repeat(900) } }).expect(201);
  });

  it('refuses a payload nested deeper than 32 levels with 400, and never a 500', async () => {
    for (const depth of [33, 5000, 100000]) {
      const body = `{"type":"deep.payload","payload":{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}}`;
      const res = await t
        .http()
        .post('/events/ingest')
        .set(t.auth)
        .set('content-type', 'application/json')
        .send(body);
      expect({ depth, status: res.status }).toEqual({ depth, status: 400 });
      expect(res.body.details).toEqual([
        { field: 'payload', errors: [expect.stringContaining('32 levels')] },
      ]);
    }
    const ok = `{"type":"deep.payload","payload":{"a":${'['.repeat(31)}${']'.repeat(31)}}}`;
    await t
      .http()
      .post('/events/ingest')
      .set(t.auth)
      .set('content-type', 'application/json')
      .send(ok)
      .expect(201);
  });

  it('answers malformed JSON with 400', async () => {
    for (const bad of ['{"type":', 'not json', '{"type":"a"}}']) {
      const res = await t
        .http()
        .post('/events/ingest')
        .set(t.auth)
        .set('content-type', 'application/json')
        .send(bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(res.body).toMatchObject({ status_code: 400, correlation_id: expect.any(String) });
    }
  });

  it.each([
    ['no type', { payload: {} }, 'type'],
    ['a bad type', { type: 'has spaces', payload: {} }, 'type'],
    ['no payload', { type: 'a.b' }, 'payload'],
    ['an array payload', { type: 'a.b', payload: [1] }, 'payload'],
    ['a string payload', { type: 'a.b', payload: 'x' }, 'payload'],
    ['an unknown severity', { type: 'a.b', payload: {}, severity: 'loud' }, 'severity'],
    ['a bad timestamp', { type: 'a.b', payload: {}, timestamp: 'yesterday' }, 'timestamp'],
    [
      'a timestamp without zone',
      { type: 'a.b', payload: {}, timestamp: '2026-01-02T03:04:05' },
      'timestamp',
    ],
    [
      'an impossible date',
      { type: 'a.b', payload: {}, timestamp: '2026-02-30T03:04:05Z' },
      'timestamp',
    ],
    [
      'a bad correlation id',
      { type: 'a.b', payload: {}, correlation_id: 'has space' },
      'correlation_id',
    ],
    ['a bad source', { type: 'a.b', payload: {}, source: '' }, 'source'],
    ['a server-assigned field', { type: 'a.b', payload: {}, event_id: 'mine' }, 'event_id'],
  ])('refuses an envelope with %s: 400 naming the field', async (_label, body, field) => {
    const res = await ingest(body).expect(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('requires the token', async () => {
    await t.http().post('/events/ingest').send(TENSION).expect(401);
    await t
      .http()
      .post('/events/ingest')
      .set('x-vx11-token', 'wrong-token-wrong-token')
      .send(TENSION)
      .expect(403);
  });

  it('counts stored events by type, canonical flag and origin in /metrics', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(
      /vx11_events_ingested_total\{type="switch.tension.updated",canonical="true",origin="ingest"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /vx11_events_ingested_total\{type="other",canonical="false",origin="ingest"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /vx11_events_ingested_total\{type="module.state.changed",canonical="false",origin="internal"\} [1-9]/,
    );
    expect(res.text).toMatch(/vx11_events_feed_subscribers\{feed="ws"\} 0/);
    expect(res.text).toMatch(/vx11_events_ledger_batch_size_count [1-9]/);
  });
});

describe('GET /operator/api/events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
    for (let i = 0; i < 7; i += 1) {
      await t
        .http()
        .post('/events/ingest')
        .set(t.auth)
        .send({
          type: i % 2 ? 'page.odd' : 'page.even',
          severity: i === 6 ? 'error' : 'info',
          payload: { i },
        })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  const list = (query: string) => t.http().get(`/operator/api/events${query}`).set(t.auth);

  it('pages newest first with a next_before cursor', async () => {
    const first = await list('?type=page.*&limit=3').expect(200);
    expect(first.body.events.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([
      6, 5, 4,
    ]);
    expect(first.body.next_before).toBe(first.body.events[2].id);
    const second = await list(`?type=page.*&limit=3&before=${first.body.next_before}`).expect(200);
    expect(second.body.events.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([
      3, 2, 1,
    ]);
    const last = await list(`?type=page.*&limit=3&before=${second.body.next_before}`).expect(200);
    expect(last.body.events.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([0]);
    expect(last.body.next_before).toBeNull();
    expect(first.body.events[0]).toEqual({
      id: expect.any(Number),
      event_id: expect.any(String),
      type: 'page.even',
      source: 'external',
      timestamp: expect.any(String),
      correlation_id: expect.any(String),
      severity: 'error',
      payload: { i: 6 },
      canonical: false,
    });
  });

  it('filters by type and severity (comma lists)', async () => {
    const odd = await list('?type=page.odd').expect(200);
    expect(odd.body.events).toHaveLength(3);
    const errors = await list('?severity=error,critical').expect(200);
    expect(errors.body.events.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([6]);
    const both = await list('?type=page.even,page.odd&severity=info&limit=500').expect(200);
    expect(both.body.events).toHaveLength(6);
    // VX11's own events are in the same ledger
    const own = await list('?type=module.state.changed').expect(200);
    expect(own.body.events.length).toBeGreaterThan(0);
  });

  it('defaults to 50 per page', async () => {
    const res = await list('').expect(200);
    expect(res.body.events.length).toBeLessThanOrEqual(50);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=501', 'limit'],
    ['?limit=abc', 'limit'],
    ['?before=-1', 'before'],
    ['?before=1.5', 'before'],
    ['?type=bad type', 'type'],
    ['?type=a,,b', 'type'],
    ['?severity=loud', 'severity'],
    [`?type=${'a'.repeat(200)}`, 'type'],
    ['?unknown=1', 'unknown'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await list(query).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

/** Issue 10 item 8: one client cannot flood the ledger. */
describe('POST /events/ingest limits', () => {
  let t: TestApp;
  let cleanup: () => void;
  beforeAll(async () => {
    const cfg = configFileEnv({ events: { ingestRatePerSec: 0.01, ingestBurst: 3 } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('answers 429 with Retry-After past the per-address burst, and stores nothing more', async () => {
    const ingest = (i: number) =>
      t.http().post('/events/ingest').set(t.auth).send({ type: 'flood.test', payload: { i } });
    for (let i = 0; i < 3; i += 1) await ingest(i).expect(201);
    const limited = await ingest(3).expect(429);
    expect(limited.body).toEqual({
      error: 'rate_limited',
      message: 'More than 0.01 events a second (bursts of 3) from this client address',
      status_code: 429,
      correlation_id: expect.any(String),
      retry_after: expect.any(Number),
      limit_scope: 'client',
    });
    // one token comes back every 100 s
    expect(limited.body.retry_after).toBeGreaterThan(90);
    expect(limited.body.retry_after).toBeLessThanOrEqual(100);
    expect(Number(limited.headers['retry-after'])).toBe(limited.body.retry_after);
    await ingest(4).expect(429);

    const stored = await t
      .http()
      .get('/operator/api/events?type=flood.test')
      .set(t.auth)
      .expect(200);
    expect(stored.body.events.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([
      2, 1, 0,
    ]);
  });
});
