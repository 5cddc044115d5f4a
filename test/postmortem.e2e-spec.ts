import { healthIncident } from '../src/modules/madre/health/incident-id';
import { IncidentService } from '../src/modules/madre/health/incident.service';
import { SwitchLifecycle } from '../src/modules/switch/switch.lifecycle';
import { configFileEnv, humanLogText } from './support/config-file';
import { bootApp, TestApp, waitFor } from './support/test-app';

/**
 * Incident severities (S1–S4) on the API, and the post-mortem of an incident a failing module
 * caused: switch's worker dies behind madre's back, the monitor opens an incident, restarts
 * switch after 3 failed checks, and resolves the incident after 2 good ones.
 */
describe('incident severities and post-mortems', () => {
  let t: TestApp;
  let cleanup: () => void;

  beforeAll(async () => {
    const cfg = configFileEnv({
      health: {
        intervalSec: 0.25,
        checkTimeoutMs: 2000,
        restartBackoffMs: 200,
        restartBackoffMaxMs: 1000,
      },
    });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  const incidents = async (status?: string) =>
    (
      await t
        .http()
        .get('/operator/api/incidents')
        .query(status ? { status } : {})
        .set(t.auth)
        .expect(200)
    ).body.incidents as Array<Record<string, unknown>>;
  const postmortem = (id: string) =>
    t.http().get(`/operator/api/incidents/${id}/postmortem`).set(t.auth);

  it('gives each incident its S-level from kind and source, shown by the API', async () => {
    const svc = t.get(IncidentService);
    const core = healthIncident('madre');
    await svc.raise({ ...core, severity: 'critical', detail: 'madre test failure' });
    await svc.raise({
      kind: 'chat_persistence',
      title: 'chat messages not persisted (test)',
      source: 'operator',
      severity: 'error',
      detail: 'disk full',
    });
    await svc.raise({
      kind: 'log_rotation',
      title: 'rotation failed (test)',
      source: 'madre',
      severity: 'warning',
      detail: 'EACCES',
    });
    const byTitle = new Map((await incidents()).map((i) => [i.title, i.severity_level]));
    expect(byTitle.get(core.title)).toBe('S2');
    expect(byTitle.get('chat messages not persisted (test)')).toBe('S1');
    expect(byTitle.get('rotation failed (test)')).toBe('S4');
    await svc.resolve(core.id, 'operator', 'test cleanup');
  });

  it('renders the post-mortem of a failing module with its timeline and restarts', async () => {
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'switch', mode: 'hold' })
      .expect(200);
    const lifecycle = t.get(SwitchLifecycle);
    await waitFor(() => lifecycle.workerRunning, 10000);
    // sabotage: the worker stops without madre knowing; switch stays "active"
    await (lifecycle as unknown as { worker: { close(): Promise<void> } }).worker.close();

    const { id } = healthIncident('switch');
    await waitFor(
      () => /SERVICE RESTART: switch is active again/.test(humanLogText(t.config, 'architect')),
      15000,
    );
    await waitFor(async () => (await incidents('resolved')).some((i) => i.id === id), 15000);
    const incident = (await incidents('resolved')).find((i) => i.id === id)!;
    expect(incident).toMatchObject({ severity_level: 'S3', source: 'switch' });

    const res = await postmortem(id).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="postmortem-${id}.md"`);
    const text = res.text;

    // the seeds' template, filled
    expect(text).toMatch(/^# Informe Post-Mortem – Incidente S3$/m);
    for (const field of [
      'Fecha',
      'Impacto',
      'Servicios afectados',
      'Causa raíz',
      'Solución aplicada',
      'Prevención futura',
      'Responsable',
      'Evidencias',
    ]) {
      expect(text).toMatch(new RegExp(`^\\*\\*${field}:\\*\\* \\S`, 'm'));
    }
    expect(text).toMatch(/^\*\*Impacto:\*\* S3 — medium: optional module failing/m);
    expect(text).toMatch(/^\*\*Servicios afectados:\*\* switch/m);
    expect(text).toMatch(/^\*\*Causa raíz:\*\* last failing check: switch worker stopped/m);
    expect(text).toMatch(
      /^\*\*Solución aplicada:\*\* 1 controlled restart\(s\) of switch by the health monitor \(outcomes: \S+ active\)\. Resolved by health_monitor/m,
    );

    // the timeline, in time order: window, failures, the restart, recovery, resolution
    const timeline = text.slice(text.indexOf('## Timeline'), text.indexOf('## Actions taken'));
    const entries = timeline.split('\n').filter((l) => l.startsWith('- `'));
    const stamps = entries.map((l) => /^- `([^`]+)`/.exec(l)![1]);
    expect([...stamps].sort()).toEqual(stamps);
    const order = [
      /Power window \S+ opened for switch \(hold/,
      /health check\(s\) of switch failed.*: switch worker stopped/,
      /Incident opened: switch health check failing \(health_check, error\)/,
      /switch active → stopping \(health_restart\)/,
      /\*\*Restart\*\* — switch off → starting \(health_restart\)/,
      /switch starting → active \(health_restart\)/,
      /health check\(s\) of switch passed/,
      /Incident resolved by health_monitor: healthy for 2 consecutive checks/,
    ];
    // each step appears after the one before it
    let from = 0;
    for (const re of order) {
      const found = entries.findIndex((l, i) => i >= from && re.test(l));
      expect({ step: String(re), found: found >= 0 }).toEqual({ step: String(re), found: true });
      from = found + 1;
    }

    // the actions and the evidence
    expect(text).toMatch(/^- Restarts: 1 \(\S+\)$/m);
    expect(text).toMatch(/^- Power windows open in the window: \S+ \(switch, open\)$/m);
    expect(text).toMatch(/^\| \S+ \| \S+ \| FAILED \| [3-9]\d* \| switch worker stopped \|$/m);
    const ledger = text.slice(text.indexOf('## Ledger events'));
    for (const type of [
      'incident.opened',
      'health.check.failed',
      'system.alert',
      'module.state.changed',
      'incident.resolved',
    ]) {
      expect(ledger).toContain(`| ${type} |`);
    }
    expect(text).not.toContain(t.config.token!);

    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
  });

  it('answers 404 for an unknown incident, 400 for a malformed id, 401 without the token', async () => {
    const missing = await postmortem('0'.repeat(24)).expect(404);
    expect(missing.body.error).toBe('incident_not_found');
    const bad = await postmortem('not-an-id').expect(400);
    expect(bad.body.error).toBe('validation_failed');
    await t
      .http()
      .get(`/operator/api/incidents/${'0'.repeat(24)}/postmortem`)
      .expect(401);
  });

  it('renders an open incident with no health history of its source', async () => {
    const { incident } = await t.get(IncidentService).raise({
      kind: 'log_rotation',
      title: 'rotation | *markdown* [test]',
      source: 'madre',
      severity: 'warning',
      detail: 'line one\nline two | with a pipe',
    });
    const text = (await postmortem(incident.id).expect(200)).text;
    expect(text).toMatch(/^# Informe Post-Mortem – Incidente S4$/m);
    expect(text).toMatch(
      /^\*\*Impacto:\*\* S4 — low: metrics or logs problem\. .*open, unresolved for /m,
    );
    // user text cannot break the tables or the emphasis
    expect(text).toContain('rotation \\| \\*markdown\\* \\[test\\]');
    expect(text).toContain('| last detail | line one line two \\| with a pipe |');
    expect(text).toMatch(/^- Restarts: 0$/m);
  });
});
