import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../src/core/database/data-source-options';
import { FakeBehaviour, FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Step {
  seq: number;
  type: string;
  status: string;
  output: Record<string, unknown> | null;
  error: string | null;
}
interface Plan {
  plan_id: string;
  status: string;
  error: string | null;
  steps: Step[];
}

const FINAL = ['DONE', 'ERROR', 'CANCELLED', 'EXPIRED'];

/**
 * A chat plan (open a switch window, chat through switch, close the window) caught by a restart
 * while its chat step runs: the data dir is reused by the next boot.
 */
describe('madre plans across a restart', () => {
  let provider: FakeProvider;
  let dir: string;
  let apps: TestApp[] = [];

  const getPlan = async (t: TestApp, id: string): Promise<Plan> =>
    (await t.http().get(`/madre/plans/${id}`).set(t.auth).expect(200)).body as Plan;

  async function chatPlanInterrupted(
    behaviour: FakeBehaviour,
    intents: Record<string, number>,
  ): Promise<{ planId: string; windowId: string; config: string; left: string[] }> {
    provider.behaviour = behaviour;
    const config = providerConfigFile(dir, [{ fake: provider, tier: 'switch' }], { intents });
    const first = await bootApp({ VX11_CONFIG_FILE: config }, dir);
    apps.push(first);
    const created = await first
      .http()
      .post('/madre/intent')
      .set(first.auth)
      .send({ intent_type: 'chat', text: 'hola, ¿qué tal?' })
      .expect(201);
    const planId = created.body.plan_id as string;
    const running = (await waitFor(async () => {
      const plan = await getPlan(first, planId);
      return plan.steps[1].status === 'RUNNING' ? plan : undefined;
    }, 10000)) as Plan;
    const windowId = running.steps[0].output!.window_id as string;
    expect(windowId).toEqual(expect.any(String));
    await first.close();
    // What the stopped process left behind: the plan still RUNNING, and its steps' states.
    const db = new Database(databasePath(first.config.dataDir), { readonly: true });
    try {
      const row = db.prepare('SELECT status FROM madre_plans WHERE id = ?').get(planId) as {
        status: string;
      };
      expect(row.status).toBe('RUNNING');
      const steps = db
        .prepare('SELECT status FROM madre_plan_steps WHERE plan_id = ? ORDER BY seq')
        .all(planId) as Array<{ status: string }>;
      return { planId, windowId, config, left: steps.map((s) => s.status) };
    } finally {
      db.close();
    }
  }

  async function boot(config: string): Promise<TestApp> {
    const app = await bootApp({ VX11_CONFIG_FILE: config }, dir);
    apps.push(app);
    return app;
  }

  const finished = (t: TestApp, id: string) =>
    waitFor(async () => {
      const plan = await getPlan(t, id);
      return FINAL.includes(plan.status) ? plan : undefined;
    }, 15000) as Promise<Plan>;

  beforeAll(async () => {
    provider = await new FakeProvider('fake-switch').start();
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-plans-restart-'));
  });

  afterEach(async () => {
    for (const app of apps) await app.close();
    apps = [];
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await provider?.stop();
  });

  it('resumes a plan at its first unfinished idempotent step and closes the window it opened', async () => {
    // Shutdown lets the chat step finish; the closing step is left for the next start.
    const { planId, windowId, config, left } = await chatPlanInterrupted(
      { kind: 'delay', ms: 1200 },
      { shutdownWaitMs: 8000 },
    );
    expect(left).toEqual(['DONE', 'DONE', 'PENDING']);
    const t = await boot(config);
    const plan = await finished(t, planId);
    expect(plan.status).toBe('DONE');
    expect(plan.steps.map((s) => s.status)).toEqual(['DONE', 'DONE', 'DONE']);
    expect(plan.steps[1].output).toMatchObject({ fallback_source: 'switch' });
    expect(plan.steps[2].output).toMatchObject({ closed: true, window_id: windowId });
    const state = (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body;
    expect(state.window_id).toBeNull();
    expect(state.active_services).not.toContain('switch');
  }, 60000);

  it('ends a plan ERROR interrupted at a non-idempotent step, and still closes its window', async () => {
    // The chat hangs past the shutdown wait: the step is left RUNNING, as if the process died.
    const { planId, windowId, config, left } = await chatPlanInterrupted(
      { kind: 'hang' },
      { shutdownWaitMs: 100 },
    );
    expect(left).toEqual(['DONE', 'RUNNING', 'PENDING']);
    const t = await boot(config);
    const plan = await finished(t, planId);
    expect(plan.status).toBe('ERROR');
    expect(plan.error).toMatch(/interrupted/);
    expect(plan.steps[1]).toMatchObject({
      type: 'CALL_SWITCH',
      status: 'ERROR',
      error: 'interrupted',
    });
    expect(plan.steps[2]).toMatchObject({ type: 'CLOSE_WINDOW', status: 'DONE' });
    expect(plan.steps[2].output).toMatchObject({ closed: true, window_id: windowId });
    const state = (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body;
    expect(state.window_id).toBeNull();
  }, 60000);
});
