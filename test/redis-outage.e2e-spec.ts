import { getDataSourceToken } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventBus, VxEvent } from '../src/core/events/event-bus.service';
import { PowerEventEntity } from '../src/modules/madre/power/power-event.entity';
import { PowerWindowEntity } from '../src/modules/madre/power/window.entity';
import { SwitchLifecycle } from '../src/modules/switch/switch.lifecycle';
import { assertBuilt, ChildApp, childEnv, spawnApp } from './support/child-app';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { OwnedRedis } from './support/redis-harness';
import { bootApp, TestApp, waitFor } from './support/test-app';

/** A request that does not answer within this is a hang, not a slow answer. */
const ANSWER_WITHIN_MS = 5000;

/** Rejects when `work` has not settled within `ms` (so a hang fails the test, not the run). */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

describe('a switch window whose deadline passes while Redis is down', () => {
  let redis: OwnedRedis;
  let t: TestApp;
  let dir: string;
  const fake = new FakeProvider('fake-outage-switch');
  const events: VxEvent[] = [];

  beforeAll(async () => {
    redis = await OwnedRedis.start();
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-outage-'));
    const file = providerConfigFile(dir, [{ fake, tier: 'switch', timeout_ms: 1000 }]);
    t = await bootApp({ REDIS_URL: redis.url, VX11_CONFIG_FILE: file });
    t.get(EventBus).subscribe((event) => void events.push(event));
  });
  afterAll(async () => {
    // Bounded: on a build that hangs, the failure above is what should be reported.
    await redis?.restart().catch(() => undefined);
    await within(t?.close() ?? Promise.resolve(), 15000, 'app.close').catch(() => undefined);
    await redis?.kill();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const http = () => t.http();
  const state = async () => (await http().get('/madre/power/state').set(t.auth).expect(200)).body;
  const moduleState = async (name: string) =>
    (await http().get('/vx11/status').expect(200)).body.modules[name] as string;
  const redisStatus = async () => (await http().get('/vx11/status').expect(200)).body.redis.status;
  const openWindow = (body: object) =>
    within(
      http().post('/madre/power/window/open').set(t.auth).send(body).then(),
      ANSWER_WITHIN_MS,
      'window open',
    );
  const closeWindow = () =>
    within(
      http().post('/madre/power/window/close').set(t.auth).send({}).then(),
      ANSWER_WITHIN_MS,
      'window close',
    );
  const chat = (message: string) =>
    within(
      http()
        .post('/operator/api/chat')
        .set(t.auth)
        .send({ message, session_id: `outage-${events.length}-${Date.now()}` })
        .then(),
      ANSWER_WITHIN_MS,
      'chat',
    );

  it('closes the window at its deadline, stops switch, and keeps answering; heals when Redis returns', async () => {
    await waitFor(async () => (await redisStatus()) === 'up', 5000);
    const opened = await openWindow({ service: 'switch', ttl_sec: 3 });
    expect(opened.status).toBe(200);
    expect(opened.body.services_started).toEqual(['switch']);
    expect((await chat('before the outage')).body.fallback_source).toBe('switch');

    await redis.kill();
    await waitFor(async () => (await redisStatus()) === 'down', 5000);

    // The deadline passes with Redis down: the window must close by itself and switch go off.
    await waitFor(
      async () => (await state()).window_id === null && (await moduleState('switch')) === 'off',
      3000 + 6000,
      50,
    );

    // Judged on what VX11 recorded, not on when this poller looked.
    const db = t.app.get<DataSource>(getDataSourceToken());
    const window = await db
      .getRepository(PowerWindowEntity)
      .findOneByOrFail({ id: opened.body.window_id });
    expect(window).toMatchObject({ state: 'closed', close_reason: 'ttl_expired' });
    const deadline = Date.parse(opened.body.deadline);
    const closedAfter = Date.parse(window.closed_at!) - deadline;
    expect(closedAfter).toBeGreaterThan(-50); // expire() re-arms a timer that fires earlier
    expect(closedAfter).toBeLessThan(1000);
    const switchOff = await db.getRepository(PowerEventEntity).findOneOrFail({
      where: { module: 'switch', to_state: 'off' },
      order: { at: 'DESC' },
    });
    expect(switchOff.reason).toBe(`window ${opened.body.window_id} ttl_expired`);
    expect(Date.parse(switchOff.at) - deadline).toBeLessThan(1000);
    expect(t.get(SwitchLifecycle).workerRunning).toBe(false);

    // The worker could not close cleanly: it was force-closed, and that was reported.
    const forced = events.find((e) => e.type === 'queue.worker.force_closed');
    expect(forced).toMatchObject({
      severity: 'warning',
      payload: { queue: 'switch', reason: expect.stringContaining('redis') },
    });

    // Nothing is left holding the power lock: open and close answer, Redis still down.
    const again = await openWindow({ service: 'switch', ttl_sec: 60 });
    expect(again.status).toBe(200);
    expect(again.body.services_started).toEqual(['switch']);
    const closed = await closeWindow();
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', services_stopped: ['switch'] });
    expect((await chat('during the outage')).status).toBe(200);

    // Redis returns: windows and the switch worker work again.
    await redis.restart();
    await waitFor(async () => (await redisStatus()) === 'up', 10000);
    const healed = await openWindow({ service: 'switch', ttl_sec: 60 });
    expect(healed.status).toBe(200);
    expect(healed.body.services_started).toEqual(['switch']);
    const answered = await waitFor(async () => {
      const res = await chat('after the outage');
      return res.body.fallback_source === 'switch' ? res.body : undefined;
    }, 10000);
    expect(answered).toMatchObject({ provider: 'fake-outage-switch', degraded: false });
    expect((await closeWindow()).status).toBe(200);
    expect(await moduleState('switch')).toBe('off');
  }, 60000);
});

describe('SIGTERM while Redis is down and switch is active (built process)', () => {
  let redis: OwnedRedis | undefined;
  let app: ChildApp | undefined;
  let dir: string | undefined;

  beforeAll(assertBuilt);
  afterAll(async () => {
    await app?.stop(2000);
    await redis?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 within its shutdown timeout', async () => {
    const token = 'outage-test-token-0123456789abcdef';
    redis = await OwnedRedis.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-outage-proc-'));
    app = spawnApp(
      childEnv(dir, {
        VX11_TOKEN: token,
        REDIS_URL: redis.url,
        VX11_SHUTDOWN_TIMEOUT_MS: '20000',
      }),
    );
    const base = `http://127.0.0.1:${await app.waitForListening()}`;
    const status = async () =>
      (await (await fetch(`${base}/vx11/status`)).json()) as {
        modules: Record<string, string>;
        redis: { status: string };
      };
    await waitFor(async () => (await status()).redis.status === 'up', 5000);
    const opened = await fetch(`${base}/madre/power/window/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vx11-token': token },
      body: JSON.stringify({ service: 'switch', ttl_sec: 600 }),
    });
    expect(opened.status).toBe(200);
    expect((await status()).modules.switch).toBe('active');

    await redis.kill();
    await waitFor(async () => (await status()).redis.status === 'down', 5000);

    app.child.kill('SIGTERM');
    const exit = await app.exited;
    expect({ exit, stderr: app.stderr() }).toEqual({
      exit: { code: 0, signal: null },
      stderr: expect.not.stringMatching(/Shutdown (failed|exceeded)/),
    });
  }, 60000);
});
