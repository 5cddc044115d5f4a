import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFileEnv } from './support/config-file';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TestApp } from './support/test-app';

describe('switch, hermes and madre chat routes', () => {
  let t: TestApp;
  let dir: string;
  const configured = new FakeProvider('cfg-switch');
  const runtime = new FakeProvider('rt-engine');
  const madreFake = new FakeProvider('cfg-madre');

  beforeAll(async () => {
    await Promise.all([configured.start(), runtime.start(), madreFake.start()]);
    dir = mkdtempSync(join(tmpdir(), 'vx11-chat-api-'));
    const file = providerConfigFile(dir, [
      { fake: configured, tier: 'switch' },
      { fake: madreFake, tier: 'madre' },
    ]);
    process.env.VX11_PROVIDER_KEY_TEST_ENGINE = 'sk-test-secret-value-123';
    t = await bootApp({ VX11_CONFIG_FILE: file });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([configured.stop(), runtime.stop(), madreFake.stop()]);
    rmSync(dir, { recursive: true, force: true });
    delete process.env.VX11_PROVIDER_KEY_TEST_ENGINE;
  });

  it('keeps switch and hermes routes dormant until a window wakes them', async () => {
    const res = await t.http().get('/switch/providers').set(t.auth).expect(503);
    expect(res.body).toMatchObject({ error: 'module_dormant', module: 'switch' });
    await t.http().get('/hermes/engines').set(t.auth).expect(503);
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ services: ['switch', 'hermes'], ttl_sec: 600 })
      .expect(200);
  });

  it('registers, discovers and deletes runtime engines; keys are named, never shown', async () => {
    const created = await t
      .http()
      .post('/hermes/engines')
      .set(t.auth)
      .send({
        name: 'rt-engine',
        tier: 'switch',
        base_url: runtime.baseUrl,
        model: 'rt-model',
        api_key_env: 'VX11_PROVIDER_KEY_TEST_ENGINE',
        priority: 5,
        cost_per_1k_tokens: 0.25,
        max_concurrency: 2,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'rt-engine',
      source: 'runtime',
      cost_per_1k_tokens: 0.25,
      max_concurrency: 2,
      api_key_env: 'VX11_PROVIDER_KEY_TEST_ENGINE',
      api_key_present: true,
    });
    await t
      .http()
      .post('/hermes/engines')
      .set(t.auth)
      .send({ name: 'rt-engine', tier: 'switch', base_url: runtime.baseUrl, model: 'x' })
      .expect(409);
    const bad = await t
      .http()
      .post('/hermes/engines')
      .set(t.auth)
      .send({ name: 'x y', tier: 'gold', base_url: 'ftp://nope', model: 'm' })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'base_url',
      'name',
      'tier',
    ]);

    const list = await t.http().get('/hermes/engines').set(t.auth).expect(200);
    expect(list.body.engines.map((e: { name: string }) => e.name).sort()).toEqual([
      'cfg-madre',
      'cfg-switch',
      'rt-engine',
    ]);
    expect(JSON.stringify(list.body)).not.toContain('sk-test-secret-value-123');

    const discovered = await t.http().post('/hermes/discover').set(t.auth).expect(200);
    expect(discovered.body.engines).toEqual(
      expect.arrayContaining([
        { engine: 'rt-engine', ok: true, models: ['fake-model-a', 'fake-model-b'] },
      ]),
    );

    await t.http().delete('/hermes/engines/cfg-switch').set(t.auth).expect(409);
    await t.http().delete('/hermes/engines/rt-engine').set(t.auth).expect(200);
    await t.http().delete('/hermes/engines/rt-engine').set(t.auth).expect(404);
  });

  it('calls a tier directly with /switch/chat and /madre/chat', async () => {
    const sw = await t
      .http()
      .post('/switch/chat')
      .set(t.auth)
      .send({ messages: [{ role: 'user', content: 'ping' }] })
      .expect(200);
    expect(sw.body).toMatchObject({
      status: 'ok',
      provider: 'cfg-switch',
      content: 'cfg-switch says: ping',
      tokens_used: 12,
    });
    const madre = await t
      .http()
      .post('/madre/chat')
      .set(t.auth)
      .send({ messages: [{ role: 'user', content: 'pong' }] })
      .expect(200);
    expect(madre.body).toMatchObject({ status: 'ok', provider: 'cfg-madre' });
    madreFake.behaviour = { kind: 'fail', status: 500 };
    const failed = await t
      .http()
      .post('/madre/chat')
      .set(t.auth)
      .send({ messages: [{ role: 'user', content: 'x' }] })
      .expect(200);
    expect(failed.body).toMatchObject({ status: 'failed', provider: null });
    expect(failed.body.fallback_reason).toContain('cfg-madre failed (HTTP 500)');
    madreFake.behaviour = { kind: 'answer' };
    await t.http().post('/switch/chat').set(t.auth).send({ messages: [] }).expect(400);
  });

  it('switches modes and reports the queue', async () => {
    const modes = await t
      .http()
      .post('/switch/control')
      .set(t.auth)
      .send({ action: 'list_modes' })
      .expect(200);
    expect(modes.body.modes).toEqual(
      expect.arrayContaining([
        { mode: 'ECO', timeout_ms: 5000 },
        { mode: 'CRITICAL', timeout_ms: 30000 },
      ]),
    );
    await t
      .http()
      .post('/switch/control')
      .set(t.auth)
      .send({ action: 'set_mode', mode: 'ECO' })
      .expect(200, { mode: 'ECO', timeout_ms: 5000 });
    await t.http().post('/switch/control').set(t.auth).send({ action: 'set_mode' }).expect(400);
    await t
      .http()
      .post('/switch/control')
      .set(t.auth)
      .send({ action: 'set_mode', mode: 'TURBO' })
      .expect(400);
    const current = await t
      .http()
      .post('/switch/control')
      .set(t.auth)
      .send({ action: 'get_mode' })
      .expect(200);
    expect(current.body.mode).toBe('ECO');

    const chat = await t
      .http()
      .post('/operator/api/chat')
      .set(t.auth)
      .send({ message: 'through the queue' })
      .expect(200);
    expect(chat.body.fallback_source).toBe('switch');
    const queue = await t.http().get('/switch/queue/status').set(t.auth).expect(200);
    expect(queue.body).toMatchObject({ queue: 'switch', redis: 'up', depth: 0, active: 0 });
    expect(queue.body.completed).toBeGreaterThanOrEqual(1);
  });

  it('selects engines by score and takes recorded results into account', async () => {
    const selected = await t
      .http()
      .post('/switch/hermes/select_engine')
      .set(t.auth)
      .send({ query: 'summarize' })
      .expect(200);
    expect(selected.body.engine).toBe('cfg-switch');
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post('/switch/hermes/record_result')
        .set(t.auth)
        .send({ engine: 'cfg-switch', success: false, latency_ms: 10 })
        .expect(200);
    }
    const after = await t
      .http()
      .post('/switch/hermes/select_engine')
      .set(t.auth)
      .send({ query: 'summarize' })
      .expect(200);
    expect(after.body.engine).toBeNull();
    expect(after.body.candidates[0].breaker.state).toBe('open');
    const status = await t.http().get('/switch/hermes/status').set(t.auth).expect(200);
    expect(
      status.body.engines.find((e: { engine: string }) => e.engine === 'cfg-switch').healthy,
    ).toBe(false);
    await t
      .http()
      .post('/switch/hermes/record_result')
      .set(t.auth)
      .send({ engine: 'nope', success: true, latency_ms: 1 })
      .expect(404);
  });
});

/** Issue 10 item 8: a fresh session_id per message must not get around the chat limit. */
describe('chat limit per client address', () => {
  let t: TestApp;
  let cleanup: () => void;
  beforeAll(async () => {
    const cfg = configFileEnv({ chat: { rateLimit: 10, clientRateLimit: 5 } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('answers 429 with Retry-After once one address sent its limit, whatever the session ids', async () => {
    const send = (i: number, sessionId = `fresh-${i}-${randomUUID()}`) =>
      t
        .http()
        .post('/operator/api/chat')
        .set(t.auth)
        .send({ message: `flood ${i}`, session_id: sessionId });
    for (let i = 0; i < 5; i += 1) await send(i).expect(200);
    const refusedSession = `fresh-5-${randomUUID()}`;
    const limited = await send(5, refusedSession).expect(429);
    expect(limited.body).toEqual({
      error: 'rate_limited',
      message: expect.stringContaining('More than 5 messages in 60 s from this client address'),
      status_code: 429,
      correlation_id: expect.any(String),
      retry_after: expect.any(Number),
      limit_scope: 'client',
    });
    expect(limited.body.retry_after).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBe(limited.body.retry_after);
    // no session was created for the refused message
    await t.http().get(`/operator/session/${refusedSession}`).set(t.auth).expect(404);
    // still refused for a session id never seen before, without a session_id too
    await t.http().post('/operator/api/chat').set(t.auth).send({ message: 'no id' }).expect(429);
  });
});
