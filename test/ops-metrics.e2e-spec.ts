import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IncidentService } from '../src/modules/madre/health/incident.service';
import { FakeProvider } from './support/fake-provider';
import {
  dashboardExpressions,
  Exposition,
  metricNamesInExpr,
  missingMetrics,
  parseExposition,
  ruleExpressions,
} from './support/promql-metrics';
import { promtool } from './support/promtool';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TestApp, waitFor, openWindow } from './support/test-app';

const DEPLOY = join(__dirname, '..', 'deploy');
const RULES = join(DEPLOY, 'prometheus', 'vx11-rules.yml');
const DASHBOARD = join(DEPLOY, 'grafana', 'vx11-dashboard.json');

/**
 * Counters that get a sample only when something breaks in a way a test cannot cause cheaply;
 * they must still be declared (`# TYPE`) by the live instance.
 */
const FAILURE_ONLY: Record<string, string> = {
  vx11_chat_persist_failures_total:
    'counts chat messages the database refused to store (needs a broken database under a live chat)',
  vx11_events_feed_dropped_total:
    'counts live subscribers dropped as slow (send buffer over the limit) or dead (no pong for the ping interval)',
};

/** Names without a sample, less the failure-only counters the instance declares. */
function missingFrom(scrape: Exposition, names: string[]): string[] {
  return missingMetrics(names, scrape).filter(
    (name) => !(name in FAILURE_ONLY && scrape.families.has(name)),
  );
}

/**
 * The operations kit against a live VX11: every metric an alert rule or a dashboard panel
 * reads exists in /metrics with at least one sample, once the activity that creates it has
 * happened (a chat through a provider: breakers, budgets, chat counters; a maintenance run:
 * backup age; a health cycle: module health; an incident: incident gauges). The scrape, with
 * all those series, still passes `promtool check metrics`.
 */
describe('operations kit against a live /metrics', () => {
  let t: TestApp;
  let dir: string;
  let scrape: Exposition;
  let text: string;
  const provider = new FakeProvider('fake-ops');

  beforeAll(async () => {
    await provider.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-ops-'));
    const file = providerConfigFile(
      dir,
      [{ fake: provider, tier: 'switch', timeout_ms: 2000, daily_token_budget: 100_000 }],
      { health: { intervalSec: 0.3, checkTimeoutMs: 2000 } },
    );
    t = await bootApp({ VX11_CONFIG_FILE: file });

    // the activity behind the metrics that only appear once something happened
    await openWindow(t, 'switch', 600);
    const chat = await t
      .http()
      .post('/operator/api/chat')
      .set(t.auth)
      .send({ message: 'hello ops' })
      .expect(200);
    expect(chat.body.fallback_source).toBe('switch');
    // one provider failure (the chat falls back to the local responder): provider error counters
    provider.behaviour = { kind: 'fail', status: 500 };
    const failed = await t
      .http()
      .post('/operator/api/chat')
      .set(t.auth)
      .send({ message: 'fail once' })
      .expect(200);
    expect(failed.body.fallback_source).not.toBe('switch');
    provider.behaviour = { kind: 'answer' };
    const run = await t
      .http()
      .post('/madre/power/maintenance/post_task')
      .set(t.auth)
      .send({ reason: 'ops metrics test' });
    expect([200, 202]).toContain(run.status);
    await t.get(IncidentService).raise({
      kind: 'ops_test',
      title: 'ops metrics incident',
      source: 'test',
      severity: 'warning',
      detail: 'for the incident gauges',
    });
    await t.http().get('/no-such-route').set(t.auth).expect(404);

    // poll until the slow ones (health cycle, the backup, the ledger walk) show up
    await waitFor(
      async () => {
        text = (await t.http().get('/metrics').expect(200)).text;
        scrape = parseExposition(text);
        const backupAge = /^vx11_backup_last_good_age_seconds (\S+)$/m.exec(text)?.[1];
        return (
          Number(backupAge) > 0 && // 0 means "no verified backup yet"
          ['vx11_module_health_ok', 'vx11_ledger_verify_ok', 'vx11_provider_failures_total'].every(
            (name) => scrape.samples.has(name),
          )
        );
      },
      20_000,
      200,
    );
  });

  afterAll(async () => {
    await t?.close();
    await provider.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has every metric an alert rule reads (Prometheus-made `up`/`scrape_*` aside)', () => {
    const rules = ruleExpressions(readFileSync(RULES, 'utf8'));
    expect(rules.length).toBeGreaterThan(0);
    const missing = rules.flatMap((r) =>
      missingFrom(scrape, metricNamesInExpr(r.expr)).map((name) => `${r.alert}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('has every metric a dashboard panel or variable reads', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as unknown;
    const exprs = dashboardExpressions(dashboard);
    expect(exprs.length).toBeGreaterThan(10);
    const missing = exprs.flatMap((e) =>
      missingFrom(scrape, metricNamesInExpr(e.expr)).map((name) => `${e.panel}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('declares the failure-only counters it lets go without a sample', () => {
    for (const name of Object.keys(FAILURE_ONLY)) expect(scrape.families.get(name)).toBe('counter');
  });

  it('reports the scrape-time gauges with real values', () => {
    expect(text).toMatch(/^vx11_queue_counts_ok 1$/m);
    // answered chat jobs leave Redis at once; the process counts them
    expect(text).toMatch(/^vx11_queue_jobs\{queue="switch",state="completed"\} 0$/m);
    expect(text).toMatch(
      /^vx11_queue_jobs_finished_total\{queue="switch",outcome="completed"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^vx11_breaker_open\{breaker="fake-ops",state="closed"\} 0$/m);
    expect(text).toMatch(
      /^vx11_module_state\{module="switch",category="optional",state="active"\} 1$/m,
    );
    expect(text).toMatch(/^vx11_ledger_verify_ok\{chain="events"\} 1$/m);
    expect(text).toMatch(/^vx11_incidents_unresolved\{severity_level="S4"\} [1-9]\d*$/m);
    const free = Number(/^vx11_disk_free_bytes\{path="data"\} (\S+)$/m.exec(text)?.[1]);
    const size = Number(/^vx11_disk_size_bytes\{path="data"\} (\S+)$/m.exec(text)?.[1]);
    expect(free).toBeGreaterThan(0);
    expect(size).toBeGreaterThanOrEqual(free);
  });

  it('passes `promtool check metrics` with every series above present', () => {
    expect(promtool(['check', 'metrics'], text)).toEqual({ status: 0, output: '' });
  });
});
