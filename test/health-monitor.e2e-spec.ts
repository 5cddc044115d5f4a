import { EventBus, VxEvent } from '../src/core/events/event-bus.service';
import { QueueName } from '../src/core/queue/queue-names';
import { QueueService } from '../src/core/queue/queue.service';
import { HEALTH_SCHEDULER_ID } from '../src/modules/madre/health/health.schedule';
import { healthIncident } from '../src/modules/madre/health/incident-id';
import { IncidentService } from '../src/modules/madre/health/incident.service';
import { SwitchLifecycle } from '../src/modules/switch/switch.lifecycle';
import { configFileEnv, HUMAN_LINE, humanLogText } from './support/config-file';
import { bootApp, TestApp, waitFor } from './support/test-app';

const INTERVAL_SEC = 0.25;

describe('health monitor', () => {
  let t: TestApp;
  let cleanup: () => void;
  const events: VxEvent[] = [];

  beforeAll(async () => {
    const cfg = configFileEnv({
      health: {
        intervalSec: INTERVAL_SEC,
        checkTimeoutMs: 2000,
        restartBackoffMs: 200,
        restartBackoffMaxMs: 1000,
        architectIntervalSec: 0.3,
      },
    });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
    t.get(EventBus).subscribe((e) => {
      events.push(e);
    });
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  const history = async (module: string, limit = 200) =>
    (
      await t
        .http()
        .get('/operator/api/health/history')
        .query({ module, limit })
        .set(t.auth)
        .expect(200)
    ).body.items as Array<{ module: string; ok: boolean; detail: string; checked_at: string }>;
  const incidents = async (status: string) =>
    (await t.http().get('/operator/api/incidents').query({ status }).set(t.auth).expect(200)).body
      .incidents as Array<Record<string, unknown>>;

  it('runs every interval as a repeatable job on the health queue and records history', async () => {
    const scheduler = await t
      .get(QueueService)
      .queue(QueueName.Health)
      .getJobScheduler(HEALTH_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ every: INTERVAL_SEC * 1000 });
    // several cycles happen on their own
    await waitFor(async () => (await history('madre')).length >= 3, 10000);
    for (const module of ['madre', 'tentaculo_link', 'operator']) {
      const rows = await history(module, 5);
      expect(rows[0]).toMatchObject({ module, ok: true });
      expect(rows[0].checked_at).toMatch(/Z$/);
    }
    expect(await history('switch')).toEqual([]); // dormant modules are not checked
    const log = humanLogText(t.config, 'health_monitor').trim().split('\n');
    for (const line of log) expect(line).toMatch(HUMAN_LINE);
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Z\] HEALTH: Health check cycle started$/),
        expect.stringMatching(/Z\] HEALTH: {3}✓ madre$/),
        expect.stringMatching(/Z\] HEALTH: {3}✓ tentaculo_link$/),
        expect.stringMatching(/Z\] HEALTH: Health check PASSED: All 3\/3 modules responding$/),
      ]),
    );
  });

  it('runs one cycle on demand and reports each module', async () => {
    const res = await t.http().post('/madre/health/run').set(t.auth).expect(200);
    expect(res.body).toMatchObject({ passed: true, total: 3, failing: 0 });
    expect(res.body.results.map((r: { module: string }) => r.module).sort()).toEqual([
      'madre',
      'operator',
      'tentaculo_link',
    ]);
    const status = await t.http().get('/madre/health/status').set(t.auth).expect(200);
    expect(status.body).toMatchObject({ interval_sec: INTERVAL_SEC, scheduler_running: true });
  });

  it('restarts switch after its worker dies behind its back, and resolves the incident', async () => {
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'switch', mode: 'hold' })
      .expect(200);
    await waitFor(async () => (await history('switch', 1))[0]?.ok === true, 10000);
    const lifecycle = t.get(SwitchLifecycle);
    const since = events.length;

    // Sabotage: close the worker without telling madre; switch stays "active".
    await (lifecycle as unknown as { worker: { close(): Promise<void> } }).worker.close();
    expect(lifecycle.workerRunning).toBe(false);

    const { id } = healthIncident('switch');
    await waitFor(async () => (await incidents('open')).some((i) => i.id === id), 10000);
    await waitFor(
      () =>
        /SERVICE RESTART: switch: 3 consecutive failed health checks \(switch worker stopped\)/.test(
          humanLogText(t.config, 'architect'),
        ),
      10000,
    );
    await waitFor(async () => (await incidents('resolved')).some((i) => i.id === id), 10000);
    expect(lifecycle.workerRunning).toBe(true);

    const incident = (await incidents('resolved')).find((i) => i.id === id)!;
    expect(incident).toMatchObject({
      kind: 'health_check',
      source: 'switch',
      severity: 'error',
      status: 'resolved',
      resolved_by: 'health_monitor',
    });
    expect(incident.count as number).toBeGreaterThanOrEqual(3);

    const switchRows = (await history('switch')).reverse();
    const firstBad = switchRows.findIndex((r) => !r.ok);
    expect(switchRows.slice(firstBad, firstBad + 3).map((r) => [r.ok, r.detail])).toEqual([
      [false, 'switch worker stopped'],
      [false, 'switch worker stopped'],
      [false, 'switch worker stopped'],
    ]);
    expect(switchRows.slice(-2).every((r) => r.ok)).toBe(true);

    const monitorLog = humanLogText(t.config, 'health_monitor');
    expect(monitorLog).toMatch(/^\[[^\]]+Z\] HEALTH: {3}✗ switch: switch worker stopped$/m);
    expect(monitorLog).toMatch(
      /^\[[^\]]+Z\] HEALTH: Health check FAILED: \d+\/4 modules failing$/m,
    );
    expect(monitorLog).toMatch(
      /^\[[^\]]+Z\] HEALTH: Health check PASSED: All 4\/4 modules responding$/m,
    );
    const alerts = humanLogText(t.config, 'alerts').trim().split('\n');
    for (const line of alerts) expect(line).toMatch(HUMAN_LINE);
    expect(alerts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `\\] ALERT: switch health check failed: switch worker stopped \\(incident ${id}, 1 consecutive`,
          ),
        ),
      ]),
    );
    const architect = humanLogText(t.config, 'architect');
    expect(architect.match(/SERVICE RESTART: switch: /g)).toHaveLength(1);
    expect(architect).toMatch(/^\[[^\]]+Z\] SERVICE RESTART: switch is active again$/m);

    const seen = events.slice(since);
    const alert = seen.find((e) => e.type === 'system.alert' && e.payload.module === 'switch');
    expect(alert?.payload).toMatchObject({
      alert_id: expect.any(String),
      severity: 'error',
      message: 'switch health check failed: switch worker stopped',
      incident_id: id,
    });
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['health.check.failed', 'incident.opened', 'incident.resolved']),
    );
    const restarts = seen.filter(
      (e) =>
        e.type === 'module.state.changed' &&
        e.payload.module === 'switch' &&
        e.payload.reason === 'health_restart',
    );
    expect(restarts.map((e) => e.payload.to)).toEqual(['stopping', 'off', 'starting', 'active']);

    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
  });

  it('writes the architect diagnostics ending with MAINTENANCE CYCLE COMPLETE', async () => {
    await waitFor(
      () => /DIAGNOSTIC: MAINTENANCE CYCLE COMPLETE/.test(humanLogText(t.config, 'architect')),
      5000,
    );
    const lines = humanLogText(t.config, 'architect').trim().split('\n');
    const end = lines.findIndex((l) =>
      /DIAGNOSTIC: MAINTENANCE CYCLE COMPLETE \(\d+ problems?\)$/.test(l),
    );
    const round = lines.slice(end - 4, end + 1);
    expect(round.map((l) => l.replace(/^\[[^\]]+\] /, '').split(':')[0])).toEqual(
      Array(5).fill('DIAGNOSTIC'),
    );
    expect(round[0]).toMatch(/DIAGNOSTIC: modules: \d+ active/);
    expect(round[1]).toMatch(/DIAGNOSTIC: database: quick_check ok; /);
    expect(round[2]).toMatch(/DIAGNOSTIC: config: /);
    expect(round[3]).toMatch(/DIAGNOSTIC: incidents: \d+ unresolved/);
    expect(JSON.stringify(lines)).not.toContain(t.config.token);
  });

  it('exports module health and open incidents as metrics', async () => {
    await t.get(IncidentService).raise({
      kind: 'test',
      title: 'metrics incident',
      source: 'test',
      severity: 'warning',
      detail: 'for the gauge',
    });
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(/^vx11_module_health_ok\{module="madre"\} 1$/m);
    expect(res.text).toMatch(/^vx11_incidents_open\{status="open"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^vx11_db_size_bytes\{file="db"\} [1-9]\d*$/m);
  });
});

describe('incidents and health history over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  const raise = (title: string) =>
    t
      .get(IncidentService)
      .raise({ kind: 'test', title, source: 'e2e', severity: 'warning', detail: 'd' });

  it('needs the token: 401 without, 403 with a wrong one, 200 with it', async () => {
    const { incident } = await raise('token check');
    const routes: Array<['get' | 'post', string]> = [
      ['get', '/operator/api/incidents'],
      ['get', '/operator/api/health/history'],
      ['post', `/operator/api/incidents/${incident.id}/ack`],
      ['post', `/operator/api/incidents/${incident.id}/resolve`],
    ];
    for (const [method, path] of routes) {
      expect({ path, status: (await t.http()[method](path)).status }).toEqual({
        path,
        status: 401,
      });
      const wrong = await t.http()[method](path).set('x-vx11-token', 'not-the-token-at-all');
      expect({ path, status: wrong.status }).toEqual({ path, status: 403 });
    }
    for (const [method, path] of routes) {
      expect({ path, status: (await t.http()[method](path).set(t.auth)).status }).toEqual({
        path,
        status: 200,
      });
    }
  });

  it('deduplicates by a stable id and walks open → acknowledged → resolved → reopened', async () => {
    const first = await raise('disk nearly full');
    const again = await raise('disk nearly full');
    expect(first.opened).toBe(true);
    expect(again.opened).toBe(false);
    expect(again.incident).toMatchObject({ id: first.incident.id, count: 2, status: 'open' });
    expect(again.incident.first_seen_at).toBe(first.incident.first_seen_at);

    const id = first.incident.id;
    const acked = await t.http().post(`/operator/api/incidents/${id}/ack`).set(t.auth).expect(200);
    expect(acked.body).toMatchObject({ id, status: 'acknowledged' });
    expect(acked.body.acknowledged_at).toMatch(/Z$/);
    const listed = await t
      .http()
      .get('/operator/api/incidents?status=acknowledged')
      .set(t.auth)
      .expect(200);
    expect(listed.body.incidents.map((i: { id: string }) => i.id)).toContain(id);

    const resolved = await t
      .http()
      .post(`/operator/api/incidents/${id}/resolve`)
      .set(t.auth)
      .send({ note: 'cleaned up' })
      .expect(200);
    expect(resolved.body).toMatchObject({ id, status: 'resolved', resolved_by: 'operator' });
    const ackResolved = await t
      .http()
      .post(`/operator/api/incidents/${id}/ack`)
      .set(t.auth)
      .expect(409);
    expect(ackResolved.body.error).toBe('incident_resolved');

    const reopened = await raise('disk nearly full');
    expect(reopened).toMatchObject({ opened: true, incident: { id, status: 'open', count: 3 } });
  });

  it('answers bad input with a clear 4xx', async () => {
    const unknown = await t
      .http()
      .post(`/operator/api/incidents/${'0'.repeat(24)}/ack`)
      .set(t.auth)
      .expect(404);
    expect(unknown.body).toMatchObject({ error: 'incident_not_found', status_code: 404 });
    const malformed = await t
      .http()
      .post('/operator/api/incidents/not-an-id/resolve')
      .set(t.auth)
      .expect(400);
    expect(malformed.body.details).toEqual([expect.objectContaining({ field: 'id' })]);
    for (const query of ['status=closed', 'limit=0', 'limit=abc', 'limit=5000']) {
      const res = await t.http().get(`/operator/api/incidents?${query}`).set(t.auth).expect(400);
      expect(res.body.error).toBe('validation_failed');
    }
    const module = await t
      .http()
      .get('/operator/api/health/history?module=nope')
      .set(t.auth)
      .expect(400);
    expect(module.body.details).toEqual([expect.objectContaining({ field: 'module' })]);
    await t
      .http()
      .post(`/operator/api/incidents/${'0'.repeat(24)}/resolve`)
      .set(t.auth)
      .send({ note: 'x'.repeat(501) })
      .expect(400);
  });

  it('serves health history newest first with a limit', async () => {
    for (let i = 0; i < 3; i += 1) await t.http().post('/madre/health/run').set(t.auth).expect(200);
    const res = await t
      .http()
      .get('/operator/api/health/history?module=madre&limit=2')
      .set(t.auth)
      .expect(200);
    expect(res.body).toMatchObject({ module: 'madre', count: 2 });
    const [a, b] = res.body.items;
    expect(a.checked_at >= b.checked_at).toBe(true);
    expect(Object.keys(a).sort()).toEqual(['checked_at', 'detail', 'latency_ms', 'module', 'ok']);
  });
});
