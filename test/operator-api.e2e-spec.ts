import { MetricsSampler } from '../src/modules/operator/metrics-sampler.service';
import { bootApp, TestApp, openWindow } from './support/test-app';

describe('operator API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  });
  afterAll(() => t.close());

  it('reports status computed from the system, agreeing with madre at every step of a window', async () => {
    const before = (await t.http().get('/operator/api/status').set(t.auth).expect(200)).body;
    expect(before).toMatchObject({
      policy: 'solo_madre',
      core_services: { madre: 'active', tentaculo_link: 'active', redis: 'up' },
      optional_services: { switch: 'off', hermes: 'off' },
      window: null,
      degraded: true,
    });
    const opened = await openWindow(t, 'switch', 60);
    const during = (await t.http().get('/operator/api/status').set(t.auth).expect(200)).body;
    const madre = (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body;
    expect(during.window.window_id).toBe(madre.window_id);
    expect(during.window.deadline).toBe(madre.deadline);
    expect(during.optional_services.switch).toBe('active');
    expect(madre.active_services).toContain('switch');
    expect(during.degraded).toBe(false);
    await t
      .http()
      .post('/madre/power/window/close')
      .set(t.auth)
      .send({ window_id: opened.window_id })
      .expect(200);
    const after = (await t.http().get('/operator/api/status').set(t.auth).expect(200)).body;
    expect(after).toMatchObject({ window: null, optional_services: { switch: 'off' } });
    expect(
      (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body.window_id,
    ).toBeNull();
  });

  it("lists modules with their state and the health monitor's last check", async () => {
    const cycle = await t.http().post('/madre/health/run').set(t.auth).expect(200);
    const res = await t.http().get('/operator/api/modules').set(t.auth).expect(200);
    expect(res.body.modules).toHaveLength(10);
    const madre = res.body.modules.find((m: { name: string }) => m.name === 'madre');
    expect(madre).toMatchObject({ state: 'active', category: 'core', health: { ok: true } });
    const checked = cycle.body.results.find((r: { module: string }) => r.module === 'madre');
    expect(madre.health).toMatchObject({
      checked_at: checked.checked_at,
      latency_ms: checked.latency_ms,
    });
    expect(res.body.modules.find((m: { name: string }) => m.name === 'spawner')).toMatchObject({
      state: 'off',
      health: null,
    });
  });

  it('shows the effective configuration without the token', async () => {
    const res = await t.http().get('/operator/api/config').set(t.auth).expect(200);
    expect(res.body).toMatchObject({ port: t.config.port, authMode: 'token', token: '[redacted]' });
    expect(JSON.stringify(res.body)).not.toContain(t.config.token);
  });

  it('stores sampled metrics and answers queries by name, module and window', async () => {
    t.get(MetricsSampler).sampleNow();
    t.get(MetricsSampler).sampleNow();
    const rss = await t
      .http()
      .get('/operator/api/metrics?name=rss_mb&window_seconds=600')
      .set(t.auth)
      .expect(200);
    expect(rss.body.count).toBeGreaterThanOrEqual(2);
    expect(rss.body.samples[0]).toMatchObject({ name: 'rss_mb', module: null });
    expect(rss.body.samples[0].value).toBeGreaterThan(1);
    const madre = await t
      .http()
      .get('/operator/api/metrics?name=module_up&module=madre')
      .set(t.auth)
      .expect(200);
    expect(
      madre.body.samples.every(
        (s: { value: number; module: string }) => s.value === 1 && s.module === 'madre',
      ),
    ).toBe(true);
    await t.http().get('/operator/api/metrics?window_seconds=0').set(t.auth).expect(400);
    await t.http().get('/operator/api/metrics?name=DROP%20TABLE').set(t.auth).expect(400);
  });

  it('reports capabilities from module states', async () => {
    const res = await t.http().post('/operator/capabilities').set(t.auth).expect(200);
    expect(res.body).toMatchObject({
      ok: true,
      data: {
        operational_mode: 'solo_madre',
        features: { madre: 'on', switch: 'dormant', chat: 'on' },
      },
    });
    expect(res.body.data.dormant_services).toEqual(expect.arrayContaining(['switch', 'spawner']));
    await t.http().get('/operator/capabilities').set(t.auth).expect(200);
  });

  it('persists validated settings', async () => {
    const defaults = await t.http().get('/operator/api/settings').set(t.auth).expect(200);
    expect(defaults.body).toMatchObject({ theme: 'dark', default_window_ttl_sec: 300 });
    const saved = await t
      .http()
      .post('/operator/api/settings')
      .set(t.auth)
      .send({ theme: 'light', event_types: ['window.opened'] })
      .expect(200);
    expect(saved.body).toMatchObject({
      theme: 'light',
      event_types: ['window.opened'],
      default_window_ttl_sec: 300,
    });
    const bad = await t
      .http()
      .post('/operator/api/settings')
      .set(t.auth)
      .send({ theme: 'neon', refresh_interval_sec: 0, extra: 1 })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      'refresh_interval_sec',
      'theme',
    ]);
    expect((await t.http().get('/operator/api/settings').set(t.auth).expect(200)).body.theme).toBe(
      'light',
    );
  });
});
