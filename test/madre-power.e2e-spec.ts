import { getDataSourceToken } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SwitchLifecycle } from '../src/modules/switch/switch.lifecycle';
import { freePort } from './support/redis-harness';
import { bootApp, TestApp, waitFor, openWindow } from './support/test-app';

interface WindowRecord {
  deadline: string;
  closed_at: string;
  close_reason: string;
}

/** The closed window as madre stored it; its closed_at is stamped when the close begins. */
async function windowRecord(t: TestApp, windowId: string): Promise<WindowRecord> {
  const db = t.app.get<DataSource>(getDataSourceToken());
  const read = async () => {
    const [row] = await db.query(
      'SELECT deadline, closed_at, close_reason FROM power_windows WHERE id = ?',
      [windowId],
    );
    return row?.closed_at ? (row as WindowRecord) : undefined;
  };
  return (await waitFor(read, 2000))!;
}

/**
 * Checks madre's own record of a TTL close: at the deadline (it tolerates 50 ms of timer skew)
 * and within a second of it, whatever the pace of the test's polling.
 */
function expectClosedOnTime(record: WindowRecord): void {
  expect(record.close_reason).toBe('ttl_expired');
  const lateMs = Date.parse(record.closed_at) - Date.parse(record.deadline);
  expect(lateMs).toBeGreaterThanOrEqual(-50);
  expect(lateMs).toBeLessThan(1000);
}

describe('madre power windows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());
  afterEach(async () => {
    // Leave no window behind for the next test.
    await t.http().post('/madre/power/window/close').set(t.auth).send({});
  });

  const open = (body: object) => t.http().post('/madre/power/window/open').set(t.auth).send(body);
  const state = async () => (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body;

  it('opens a TTL window on switch, runs its worker, and closes it by itself at the deadline', async () => {
    const res = await open({ service: 'switch', ttl_sec: 2 }).expect(200);
    expect(res.body).toMatchObject({
      state: 'open',
      services_started: ['switch'],
      ttl_remaining_sec: 2,
    });
    expect(typeof res.body.window_id).toBe('string');
    expect(Date.parse(res.body.deadline) - Date.parse(res.body.created_at)).toBe(2000);
    const lifecycle = t.get(SwitchLifecycle);
    expect(lifecycle.workerRunning).toBe(true);
    expect(await state()).toMatchObject({
      window_id: res.body.window_id,
      active_services: expect.arrayContaining(['switch']),
    });

    // No request is made: the window must close on its own within a second of the deadline.
    await waitFor(async () => (await state()).window_id === null, 4000);
    expectClosedOnTime(await windowRecord(t, res.body.window_id));
    const after = await state();
    expect(after.active_services).not.toContain('switch');
    expect(after.recent_windows[0]).toMatchObject({
      window_id: res.body.window_id,
      services: ['switch'],
      state: 'closed',
      close_reason: 'ttl_expired',
    });
    expect(lifecycle.workerRunning).toBe(false);
    const status = await t.http().get('/vx11/window/status/switch').set(t.auth).expect(200);
    expect(status.body).toMatchObject({ state: 'off', in_window: false });
    const log = readFileSync(join(t.config.logsDir, 'architect.log'), 'utf8');
    expect(log).toMatch(
      new RegExp(`^\\[[^\\]]+Z\\] WINDOW CLOSE: ${res.body.window_id} reason=ttl_expired`, 'm'),
    );
  });

  it('closes by window_id with the closing figures, and a second close is a clear 404', async () => {
    const opened = await open({
      services: ['hormiguero', 'hermes'],
      ttl_sec: 60,
      reason: 'scan',
    }).expect(200);
    const closed = await t
      .http()
      .post('/madre/power/window/close')
      .set(t.auth)
      .send({ window_id: opened.body.window_id })
      .expect(200);
    expect(closed.body).toMatchObject({
      window_id: opened.body.window_id,
      state: 'closed',
      reason: 'manual_close',
      services_stopped: expect.arrayContaining(['hormiguero', 'hermes']),
    });
    expect(typeof closed.body.duration_sec).toBe('number');
    expect(closed.body.closed_at).toMatch(/Z$/);
    const again = await t
      .http()
      .post('/madre/power/window/close')
      .set(t.auth)
      .send({ window_id: opened.body.window_id })
      .expect(404);
    expect(again.body).toMatchObject({ error: 'window_not_open', status_code: 404 });
    expect(again.body.message).toContain('already closed');
  });

  it('refuses modules outside the allowlist with 422 naming it', async () => {
    const res = await open({ service: 'random_service', ttl_sec: 10 }).expect(422);
    expect(res.body.error).toBe('service_not_allowed');
    expect(res.body.allowlist).toEqual(expect.arrayContaining(['switch', 'spawner']));
    expect(res.body.message).toContain('switch');
    await open({ service: 'madre', ttl_sec: 10 }).expect(422);
  });

  it('refuses a TTL of 0, above the maximum, or not an integer with 400', async () => {
    for (const ttl of [0, 3601, 1.5, '30', -5]) {
      const res = await open({ service: 'switch', ttl_sec: ttl }).expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'ttl_sec' })]),
      );
    }
    await open({ service: 'switch' }).expect(400);
    await open({ ttl_sec: 10 }).expect(400);
    expect((await state()).window_id).toBeNull();
  });

  it('allows one open window: a second open is 409 naming the open one', async () => {
    const first = await open({ service: 'switch', ttl_sec: 30 }).expect(200);
    const second = await open({ service: 'hermes', ttl_sec: 30 }).expect(409);
    expect(second.body).toMatchObject({
      error: 'window_already_open',
      window_id: first.body.window_id,
    });
  });

  it('lets exactly one of 20 parallel opens through', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => open({ service: 'switch', ttl_sec: 30 })),
    );
    const codes = results.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body.error).toBe('window_already_open');
  });

  it('holds a window without a deadline in mode hold', async () => {
    const res = await open({ service: 'spawner', mode: 'hold' }).expect(200);
    expect(res.body.deadline).toBeNull();
    expect((await state()).ttl_remaining_sec).toBeNull();
  });

  it('applies full then solo_madre and reports policy_active truthfully', async () => {
    await open({ service: 'switch', ttl_sec: 30 }).expect(200);
    const full = await t.http().post('/madre/power/policy/full/apply').set(t.auth).expect(200);
    expect(full.body).toMatchObject({
      policy: 'full',
      policy_active: true,
      previous_policy: 'solo_madre',
    });
    expect(full.body.window_closed).toEqual(expect.any(String));
    const closedWindow = await t
      .http()
      .post('/madre/power/window/close')
      .set(t.auth)
      .send({ window_id: full.body.window_closed })
      .expect(404);
    expect(closedWindow.body.message).toContain('policy_applied');
    const status = (await t.http().get('/vx11/status').expect(200)).body;
    expect(status.mode).toBe('full');
    expect(Object.values(status.modules).every((s) => s === 'active')).toBe(true);
    expect(
      (await t.http().get('/madre/power/policy/solo_madre/status').set(t.auth).expect(200)).body
        .policy_active,
    ).toBe(false);

    await t.http().post('/madre/power/policy/solo_madre/apply').set(t.auth).expect(200);
    const solo = (
      await t.http().get('/madre/power/policy/solo_madre/status').set(t.auth).expect(200)
    ).body;
    expect(solo).toMatchObject({
      policy_active: true,
      running_services: [],
      expected_services: [],
    });
    expect(
      (await t.http().get('/madre/power/policy/full/status').set(t.auth).expect(200)).body
        .policy_active,
    ).toBe(false);
    expect((await t.http().get('/vx11/status').expect(200)).body.mode).toBe('solo_madre');
    await t.http().post('/madre/power/policy/nope/apply').set(t.auth).expect(404);
  });

  it('serves the gateway and operator aliases from the same window system', async () => {
    const opened = await t
      .http()
      .post('/vx11/window/open')
      .set(t.auth)
      .send({ target: 'spawner', ttl_seconds: 300 })
      .expect(200);
    expect((await state()).window_id).toBe(opened.body.window_id);
    const status = await t.http().get('/vx11/window/status/spawner').set(t.auth).expect(200);
    expect(status.body).toMatchObject({
      state: 'active',
      in_window: true,
      window_id: opened.body.window_id,
    });
    await t.http().post('/operator/api/chat/window/open').set(t.auth).send({}).expect(409);
    const closed = await t
      .http()
      .post('/vx11/window/close')
      .set(t.auth)
      .send({ target: 'spawner', reason: 'done' })
      .expect(200);
    expect(closed.body).toMatchObject({ window_id: opened.body.window_id, reason: 'manual_close' });

    const chat = await t
      .http()
      .post('/operator/api/chat/window/open')
      .set(t.auth)
      .send({ ttl_sec: 30 })
      .expect(200);
    expect(chat.body.services).toEqual(['switch']);
    const chatStatus = await t
      .http()
      .get('/operator/api/chat/window/status')
      .set(t.auth)
      .expect(200);
    expect(chatStatus.body).toMatchObject({ target: 'switch', state: 'active', in_window: true });
    await t.http().post('/operator/api/chat/window/close').set(t.auth).expect(200);
    await t.http().get('/vx11/window/status/nothing').set(t.auth).expect(404);
  });

  it('answers 503 module_dormant on a dormant module route, and serves it once woken', async () => {
    const dormant = await t.http().get('/hormiguero/status').set(t.auth).expect(503);
    expect(dormant.body).toMatchObject({
      error: 'module_dormant',
      module: 'hormiguero',
      hint: 'POST /madre/power/window/open',
    });
    await open({ service: 'hormiguero', ttl_sec: 30 }).expect(200);
    const awake = await t.http().get('/hormiguero/status').set(t.auth).expect(200);
    expect(awake.body.scheduler_running).toBe(true);
  });

  it('reports module states, the allowlist and the window in its views', async () => {
    const services = await t.http().get('/madre/power/services').set(t.auth).expect(200);
    expect(services.body.allowlist).toContain('switch');
    expect(services.body.max_ttl_sec).toBe(3600);
    const opened = await open({ service: 'mcp', ttl_sec: 30 }).expect(200);
    const status = await t.http().get('/madre/power/status').set(t.auth).expect(200);
    expect(status.body.window.window_id).toBe(opened.body.window_id);
    expect(status.body.modules.find((m: { name: string }) => m.name === 'mcp')).toMatchObject({
      state: 'active',
      in_window: true,
      category: 'optional',
    });
    const map = await t.http().get('/api/map').set(t.auth).expect(200);
    expect(map.body.nodes.find((n: { id: string }) => n.id === 'mcp').state).toBe('active');
    expect(map.body.counts.services_up).toBe(4);
    expect((await t.http().get('/vx11/status').expect(200)).body.mode).toBe('windowed');
  });
});

describe('madre across restarts', () => {
  it('restores a live window with its timer, and closes an expired one with startup_recovery', async () => {
    const first = await bootApp();
    const dir = first.dir;
    const live = await first
      .http()
      .post('/madre/power/window/open')
      .set(first.auth)
      .send({ service: 'switch', ttl_sec: 3 })
      .expect(200);
    await first.app.close();

    const second = await bootApp({}, dir);
    try {
      const restored = (await second.http().get('/madre/power/state').set(second.auth).expect(200))
        .body;
      expect(restored).toMatchObject({
        window_id: live.body.window_id,
        deadline: live.body.deadline,
      });
      expect(restored.active_services).toContain('switch');
      expect(second.get(SwitchLifecycle).workerRunning).toBe(true);
      await waitFor(
        async () =>
          (await second.http().get('/madre/power/state').set(second.auth)).body.window_id === null,
        5000,
      );
      expectClosedOnTime(await windowRecord(second, live.body.window_id));

      const expiring = await second
        .http()
        .post('/madre/power/window/open')
        .set(second.auth)
        .send({ service: 'hermes', ttl_sec: 1 })
        .expect(200);
      await second.app.close();
      await new Promise((r) =>
        setTimeout(r, Math.max(0, Date.parse(expiring.body.deadline) - Date.now() + 50)),
      );

      const third = await bootApp({}, dir);
      try {
        const state = (await third.http().get('/madre/power/state').set(third.auth).expect(200))
          .body;
        expect(state.window_id).toBeNull();
        expect(state.active_services).not.toContain('hermes');
        const again = await third
          .http()
          .post('/madre/power/window/close')
          .set(third.auth)
          .send({ window_id: expiring.body.window_id })
          .expect(404);
        expect(again.body.message).toContain('startup_recovery');
        const recovered = await windowRecord(third, expiring.body.window_id);
        expect(recovered.close_reason).toBe('startup_recovery');
        expect(Date.parse(recovered.closed_at)).toBeGreaterThan(Date.parse(recovered.deadline));
      } finally {
        await third.app.close();
      }
    } finally {
      await second.app.close().catch(() => undefined);
    }
  });

  it('keeps the applied policy across a restart', async () => {
    const first = await bootApp();
    await first.http().post('/madre/power/policy/operative_core/apply').set(first.auth).expect(200);
    await first.app.close();
    const second = await bootApp({}, first.dir);
    try {
      const res = await second
        .http()
        .get('/madre/power/policy/operative_core/status')
        .set(second.auth)
        .expect(200);
      expect(res.body).toMatchObject({
        policy_active: true,
        running_services: expect.arrayContaining(['switch', 'hermes', 'spawner', 'mcp']),
      });
    } finally {
      await second.close();
    }
  });
});

describe('madre with Redis down', () => {
  it('still opens a window and closes it on time with the local timer', async () => {
    const port = await freePort();
    const t = await bootApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const res = await openWindow(t, 'hermes', 1);
      await waitFor(
        async () => (await t.http().get('/madre/power/state').set(t.auth)).body.window_id === null,
        3000,
      );
      expectClosedOnTime(await windowRecord(t, String(res.window_id)));
      expect((await t.http().get('/vx11/status').expect(200)).body.redis.status).toBe('down');
    } finally {
      await t.close();
    }
  });
});
