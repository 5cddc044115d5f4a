import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/core/config/project-root';
import { dataPaths } from '../src/modules/madre/maintenance/data-paths';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp } from './support/test-app';

type Gate = { name: string; status: string; reason?: string; evidence: Record<string, unknown> };

/**
 * Manifestator on a default instance (woken by a window), with its manifest read from a temp
 * copy of config/manifest.json so one test can add a route to it (config/ is never edited).
 */
describe('manifestator: drift, patch plan, rails and scorecard (live)', () => {
  let t: TestApp;
  let cleanup: () => void;
  let dir: string;
  let manifestFile: string;

  const get = (path: string) => t.http().get(path).set(t.auth);
  const openWindow = (services: string[]) =>
    t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ services, ttl_sec: 900, reason: 'manifestator e2e' })
      .expect(200);
  const rails = async () =>
    (await get('/manifestator/rails').expect(200)).body as {
      status: string;
      failed: number;
      gates: Gate[];
    };
  const gate = (report: { gates: Gate[] }, name: string) =>
    report.gates.find((g) => g.name === name)!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-manifest-'));
    manifestFile = join(dir, 'manifest.json');
    copyFileSync(join(PROJECT_ROOT, 'config', 'manifest.json'), manifestFile);
    const cfg = configFileEnv({ manifestator: { manifestFile } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });

  afterAll(async () => {
    await t?.close();
    cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 module_dormant while manifestator is dormant', async () => {
    for (const path of ['/manifestator/drift', '/manifestator/rails', '/manifestator/scorecard']) {
      const res = await get(path).expect(503);
      expect(res.body).toMatchObject({ error: 'module_dormant', module: 'manifestator' });
    }
    await t.http().post('/manifestator/patchplan').set(t.auth).send({}).expect(503);
  });

  it('computes every gate live: backups_fresh fails until a maintenance run, then all pass', async () => {
    await openWindow(['manifestator']);
    const before = await rails();
    expect(before.status).toBe('fail');
    expect(gate(before, 'backups_fresh')).toMatchObject({ status: 'failed' });
    expect(gate(before, 'backups_fresh').reason).toMatch(/no verified backup/);
    expect(before.gates.filter((g) => g.status === 'failed').map((g) => g.name)).toEqual([
      'backups_fresh',
    ]);

    await t.http().post('/madre/power/maintenance/post_task').set(t.auth).send({}).expect(200);
    const after = await rails();
    const notOk = after.gates.filter((g) => g.status !== 'ok').map((g) => `${g.name}: ${g.reason}`);
    expect(after).toMatchObject({ status: 'pass', failed: 0 });
    // skipped with their reasons on a default instance: no switch provider, hormiguero off
    expect(notOk.sort()).toEqual([
      'chat_switch_first: no switch-tier provider is configured',
      expect.stringMatching(/^hormiguero_incidents: hormiguero is off/),
    ]);
    expect(after.gates.map((g) => g.name)).toEqual([
      'single_entrypoint',
      'solo_madre_default',
      'token_guard_enforced',
      'no_hardcoded_secrets',
      'db_integrity',
      'correlation_id_flow',
      'dormant_policy_gates',
      'degraded_fallback',
      'backups_fresh',
      'no_stubs',
      'chat_switch_first',
      'hormiguero_incidents',
      'shub_calibration',
    ]);
    // evidence is what was measured
    const entry = gate(after, 'single_entrypoint').evidence;
    expect((entry.listening_ports as number[]).length).toBe(1);
    expect(gate(after, 'token_guard_enforced').evidence.unguarded).toEqual([]);
    expect(gate(after, 'token_guard_enforced').evidence.routes_probed).toBeGreaterThan(50);
    expect(gate(after, 'dormant_policy_gates').evidence.probed).toBeGreaterThan(0);
    expect(gate(after, 'shub_calibration').evidence.integrated_lufs as number).toBeCloseTo(-23, 1);
    const cid = gate(after, 'correlation_id_flow').evidence;
    expect(cid.ledger_correlation_id).toBe(cid.probe_correlation_id);
  });

  it('finds no drift between the manifest and a default instance', async () => {
    const drift = (await get('/manifestator/drift').expect(200)).body;
    expect({ missing: drift.missing_routes, extra: drift.extra_routes }).toEqual({
      missing: [],
      extra: [],
    });
    expect(drift.modules).toMatchObject({ missing: [], extra: [], category_mismatch: [] });
    expect(drift.events).toEqual({
      missing_canonical: [],
      extra_canonical: [],
      field_mismatch: [],
    });
  });

  it('scores each category from measurements; SCORECARD.json uses the same computation', async () => {
    const card = (await get('/manifestator/scorecard').expect(200)).body;
    expect(Object.keys(card.categories)).toEqual([
      'filesystem_order',
      'routing_coherence',
      'automation',
      'autonomy',
      'gates_passed',
    ]);
    for (const c of Object.values(card.categories) as Array<{ formula: string }>) {
      expect(c.formula.length).toBeGreaterThan(10);
    }
    expect(card.categories.gates_passed).toMatchObject({ source: 'manifestator rails', pct: 100 });
    expect(card.categories.automation.denominator).toBeGreaterThanOrEqual(3);
    expect(card.categories.filesystem_order.pct).toBeNull(); // hormiguero off: not measured
    expect(typeof card.global_pct).toBe('number');

    const run = await t
      .http()
      .post('/madre/power/maintenance/post_task')
      .set(t.auth)
      .send({})
      .expect(200);
    expect(run.body.status).toBe('ok');
    const file = JSON.parse(readFileSync(dataPaths(t.config.dataDir).scorecardFile, 'utf8'));
    expect(Object.keys(file.categories)).toEqual(Object.keys(card.categories));
    expect(file.categories.routing_coherence).toMatchObject({
      numerator: card.categories.routing_coherence.numerator,
      denominator: card.categories.routing_coherence.denominator,
      formula: card.categories.routing_coherence.formula,
    });
    expect(file.categories.gates_passed.source).toBe('manifestator rails');
    expect(file.global_formula).toBe(card.global_formula);
  });

  it('lists a declared route that does not exist: drift, routing coherence and the patch plan', async () => {
    const before = (await get('/manifestator/scorecard').expect(200)).body.categories
      .routing_coherence;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.modules
      .find((m: { name: string }) => m.name === 'madre')
      .routes.push({ method: 'GET', path: '/madre/does-not-exist/:id', source: 'e2e' });
    writeFileSync(manifestFile, JSON.stringify(manifest));

    const drift = (await get('/manifestator/drift').expect(200)).body;
    expect(drift.in_sync).toBe(false);
    expect(drift.missing_routes).toContainEqual({
      method: 'GET',
      path: '/madre/does-not-exist/:id',
      module: 'madre',
    });
    const after = (await get('/manifestator/scorecard').expect(200)).body.categories
      .routing_coherence;
    expect(after.denominator).toBe(before.denominator + 1);
    expect(after.numerator).toBe(before.numerator);
    expect(after.pct).toBeLessThan(before.pct);

    const plan = (
      await t
        .http()
        .post('/manifestator/patchplan')
        .set(t.auth)
        .send({ scope: ['routes'] })
        .expect(200)
    ).body;
    expect(plan.executable).toBe(false);
    expect(plan.items).toContainEqual(
      expect.objectContaining({
        action: 'add',
        kind: 'route',
        target: 'GET /madre/does-not-exist/:id',
        module: 'madre',
      }),
    );
    expect(plan.risk).toBe(plan.items.length < 3 ? 'low' : plan.items.length < 10 ? 'mid' : 'high');
    expect(plan.estimated_time_sec).toBe(
      plan.items.reduce(
        (s: number, i: { estimated_time_sec: number }) => s + i.estimated_time_sec,
        0,
      ),
    );

    await t
      .http()
      .post('/manifestator/patchplan')
      .set(t.auth)
      .send({ scope: ['nope'] })
      .expect(400);
    // without a body: every scope, the missing route among the items
    const all = (await t.http().post('/manifestator/patchplan').set(t.auth).expect(200)).body;
    expect(all.scope).toEqual(['routes', 'modules', 'events', 'files']);
    expect(all.items.map((i: { target: string }) => i.target)).toContain(
      'GET /madre/does-not-exist/:id',
    );
    copyFileSync(join(PROJECT_ROOT, 'config', 'manifest.json'), manifestFile);
  });

  it('answers 503 manifest_unavailable, naming the problem, when the manifest is broken', async () => {
    writeFileSync(manifestFile, '{"version": 2}');
    const res = await get('/manifestator/drift').expect(503);
    expect(res.body.error).toBe('manifest_unavailable');
    expect(res.body.message).toMatch(/version/);
    copyFileSync(join(PROJECT_ROOT, 'config', 'manifest.json'), manifestFile);
  });

  it('fails solo_madre_default, with the reason, once the full policy is applied', async () => {
    await t.http().post('/madre/power/policy/full/apply').set(t.auth).expect(200);
    const report = await rails();
    expect(gate(report, 'solo_madre_default')).toMatchObject({
      status: 'failed',
      reason: 'policy full is applied, not the default solo_madre',
    });
    expect(report.status).toBe('fail');
    await t.http().post('/madre/power/policy/solo_madre/apply').set(t.auth).expect(200);
  });

  it('with hormiguero awake: its incident self-test passes the gate and its file drift is scored', async () => {
    await openWindow(['manifestator', 'hormiguero']);
    const report = await rails();
    expect(gate(report, 'hormiguero_incidents')).toMatchObject({
      status: 'ok',
      evidence: { opened: true },
    });
    expect(gate(report, 'solo_madre_default').status).toBe('ok'); // both are the window's
    const drift = (await get('/manifestator/drift').expect(200)).body;
    expect(drift.files).toMatchObject({ available: true, added: [], removed: [], changed: [] });
    expect(drift.files.tracked).toBeGreaterThan(0);
    const card = (await get('/manifestator/scorecard').expect(200)).body;
    expect(card.categories.filesystem_order).toMatchObject({
      pct: 100,
      source: 'hormiguero fs_drift',
      denominator: drift.files.tracked,
    });
    expect(
      card.categories.automation.detail.schedulers.map((s: { name: string }) => s.name),
    ).toEqual(expect.arrayContaining(['health_cycle', 'hormiguero_ants', 'manifestator_checker']));
    expect(card.categories.automation.pct).toBe(100);
  });
});
