import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeProvider } from './support/fake-provider';
import { advanceClock, freezeClock } from './support/frozen-clock';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Step {
  seq: number;
  type: string;
  status: string;
  cleanup: boolean;
  params: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: string | null;
  duration_ms: number | null;
}
interface Plan {
  plan_id: string;
  correlation_id: string;
  status: string;
  risk: string;
  risk_reasons: string[];
  explanation: string;
  decision_id: string;
  error: string | null;
  confirm_token?: string;
  confirm_expires_at: string | null;
  steps: Step[];
}
interface VxEvent {
  type: string;
  canonical: boolean;
  correlation_id: string | null;
  payload: Record<string, unknown>;
}

const FINAL = ['DONE', 'ERROR', 'CANCELLED', 'EXPIRED'];

describe('madre intents and plans', () => {
  let t: TestApp;
  let switchProvider: FakeProvider;
  let cfgDir: string;

  const intent = (body: object, path = '/madre/intent') =>
    t.http().post(path).set(t.auth).send(body);
  const submit = async (body: object): Promise<Plan> =>
    (await intent(body).expect(201)).body as Plan;
  const getPlan = async (id: string): Promise<Plan> =>
    (await t.http().get(`/madre/plans/${id}`).set(t.auth).expect(200)).body as Plan;
  const finished = (id: string, timeoutMs = 15000) =>
    waitFor(async () => {
      const plan = await getPlan(id);
      return FINAL.includes(plan.status) ? plan : undefined;
    }, timeoutMs) as Promise<Plan>;
  const confirm = (id: string, token: string) =>
    t.http().post(`/madre/plans/${id}/confirm`).set(t.auth).send({ confirm_token: token });
  const events = async (type: string): Promise<VxEvent[]> =>
    (
      await t
        .http()
        .get(`/operator/api/events?type=${encodeURIComponent(type)}&limit=500`)
        .set(t.auth)
        .expect(200)
    ).body.events as VxEvent[];

  beforeAll(async () => {
    switchProvider = await new FakeProvider('fake-switch').start();
    cfgDir = mkdtempSync(join(tmpdir(), 'vx11-intents-cfg-'));
    const file = providerConfigFile(cfgDir, [{ fake: switchProvider, tier: 'switch' }]);
    t = await bootApp({ VX11_CONFIG_FILE: file });
  });

  afterAll(async () => {
    jest.useRealTimers();
    await t?.close();
    await switchProvider?.stop();
    rmSync(cfgDir, { recursive: true, force: true });
  });

  it('plans a status intent as a LOW healthcheck that runs to DONE with its real results', async () => {
    const created = await submit({ intent_type: 'status' });
    expect(created).toMatchObject({ risk: 'LOW', steps: [{ type: 'SYSTEM_HEALTHCHECK' }] });
    expect(['PENDING', 'RUNNING', 'DONE']).toContain(created.status);
    expect(created.confirm_token).toBeUndefined();
    const plan = await finished(created.plan_id);
    expect(plan.status).toBe('DONE');
    const [step] = plan.steps;
    expect(step.status).toBe('DONE');
    expect(typeof step.output?.passed).toBe('boolean');
    const results = step.output?.results as Array<{ module: string; ok: boolean }>;
    expect(results.map((r) => r.module)).toEqual(
      expect.arrayContaining(['madre', 'tentaculo_link']),
    );

    const decisions = (await events('madre.decision.explained')).filter(
      (e) => e.payload.decision_id === plan.decision_id,
    );
    expect(decisions).toHaveLength(1);
    expect(decisions[0].canonical).toBe(true);
    expect(decisions[0].payload).toMatchObject({
      summary: plan.explanation,
      plan_id: plan.plan_id,
    });
    const completed = (await events('plan.completed')).filter(
      (e) => e.payload.plan_id === plan.plan_id,
    );
    expect(completed.map((e) => e.payload.status)).toEqual(['DONE']);
    const metrics = (await t.http().get('/metrics').set(t.auth).expect(200)).text;
    expect(metrics).toMatch(/^vx11_plans_finished_total\{status="DONE",risk="LOW"\} [1-9]/m);
    expect(metrics).toMatch(
      /^vx11_plan_steps_total\{type="SYSTEM_HEALTHCHECK",status="DONE"\} [1-9]/m,
    );
  });

  it('wakes dormant switch for a chat: opens a window, chats through switch, closes it', async () => {
    expect(
      (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body.window_id,
    ).toBeNull();
    const callsBefore = switchProvider.calls;
    const created = await submit({ intent_type: 'chat', text: 'hola' });
    expect(created.risk).toBe('LOW');
    expect(created.steps.map((s) => s.type)).toEqual([
      'OPEN_WINDOW',
      'CALL_SWITCH',
      'CLOSE_WINDOW',
    ]);
    const plan = await finished(created.plan_id);
    expect(plan.status).toBe('DONE');
    const [open, call, close] = plan.steps;
    expect(open.output).toMatchObject({ opened: true, services_started: ['switch'] });
    expect(call.output).toMatchObject({
      fallback_source: 'switch',
      degraded: false,
      provider: 'fake-switch',
      response: 'fake-switch says: hola',
    });
    expect(switchProvider.calls).toBe(callsBefore + 1);
    const windowId = open.output!.window_id as string;
    expect(close.output).toMatchObject({
      closed: true,
      window_id: windowId,
      services_stopped: ['switch'],
    });

    const state = (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body;
    expect(state.window_id).toBeNull();
    expect(state.active_services).not.toContain('switch');
    // the power history lists the plan's window, opened and closed
    expect(state.recent_windows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          window_id: windowId,
          services: ['switch'],
          state: 'closed',
          close_reason: 'manual_close',
        }),
      ]),
    );
    const opened = (await events('window.opened')).filter((e) => e.payload.window_id === windowId);
    const closed = (await events('window.closed')).filter((e) => e.payload.window_id === windowId);
    expect(opened).toHaveLength(1);
    expect(closed).toHaveLength(1);
    expect(opened[0].correlation_id).toBe(plan.correlation_id);
    // switch's power history: woken and put back by this plan's window
    const transitions = (await events('module.state.changed'))
      .filter((e) => e.payload.module === 'switch' && String(e.payload.reason).includes(windowId))
      .reverse()
      .map((e) => e.payload.to);
    expect(transitions).toEqual(expect.arrayContaining(['active', 'off']));
    expect(transitions.indexOf('active')).toBeLessThan(transitions.lastIndexOf('off'));
    const verify = await t.http().get('/events/ledger/verify').set(t.auth).expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it('holds a HIGH plan for its confirm token: wrong → 403 and WAITING, right → runs, reuse → 403', async () => {
    const created = await submit({ intent_type: 'free_text', text: 'restore the database' });
    expect(created.risk).toBe('HIGH');
    expect(created.status).toBe('WAITING');
    expect(created.risk_reasons.join(' ')).toMatch(/restore/);
    expect(created.confirm_token).toMatch(/^vx11c_/);
    expect(created.steps.map((s) => s.type)).toEqual([
      'SYSTEM_HEALTHCHECK',
      'RUN_MAINTENANCE',
      'NOOP',
    ]);
    const token = created.confirm_token!;

    const wrong = await confirm(created.plan_id, `${token}x`).expect(403);
    expect(wrong.body.error).toBe('invalid_confirm_token');
    expect((await getPlan(created.plan_id)).status).toBe('WAITING');
    expect(JSON.stringify(await getPlan(created.plan_id))).not.toContain(token);

    const ok = await confirm(created.plan_id, token).expect(200);
    expect(['PENDING', 'RUNNING', 'DONE']).toContain(ok.body.status);
    expect(ok.body.confirmed_at).toEqual(expect.any(String));
    const again = await confirm(created.plan_id, token).expect(403);
    expect(again.body.error).toBe('invalid_confirm_token');

    const plan = await finished(created.plan_id, 60000);
    expect(plan.status).toBe('DONE');
    const maintenance = plan.steps[1];
    expect(maintenance.output).toMatchObject({ status: 'ok', returncode: 0 });
    expect(maintenance.output?.job_id).toEqual(expect.any(String));
  }, 70000);

  it('refuses a confirm token past its expiry with 403 and marks the plan EXPIRED', async () => {
    const created = await submit({ intent_type: 'free_text', text: 'borrar las copias antiguas' });
    expect(created).toMatchObject({ risk: 'HIGH', status: 'WAITING' });
    freezeClock(new Date(Date.now()).toISOString());
    try {
      advanceClock(t.config.intents.confirmTtlSec * 1000 + 1000);
      const res = await confirm(created.plan_id, created.confirm_token!).expect(403);
      expect(res.body.error).toBe('confirm_token_expired');
    } finally {
      jest.useRealTimers();
    }
    const plan = await getPlan(created.plan_id);
    expect(plan.status).toBe('EXPIRED');
    expect(plan.steps.every((s) => s.status === 'SKIPPED')).toBe(true);
  });

  it('asks for confirmation before running a program, then wakes the spawner around it', async () => {
    const created = await submit({
      intent_type: 'spawn',
      payload: { program: 'echo', args: ['from', 'a', 'plan'] },
    });
    expect(created.risk).toBe('MED');
    expect(created.risk_reasons).toContain('step SPAWNER_REQUEST runs a program');
    expect(created.steps.map((s) => s.type)).toEqual([
      'OPEN_WINDOW',
      'SPAWNER_REQUEST',
      'CLOSE_WINDOW',
    ]);
    await confirm(created.plan_id, created.confirm_token!).expect(200);
    const plan = await finished(created.plan_id);
    expect(plan.status).toBe('DONE');
    expect(plan.steps[1].output).toMatchObject({
      status: 'completed',
      exit_code: 0,
      stdout: 'from a plan\n',
    });
    expect(plan.steps[2].output).toMatchObject({ closed: true });
    expect(
      (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body.window_id,
    ).toBeNull();
  });

  it('reports the true result by correlation id: a failing step ends the plan ERROR with its reason', async () => {
    const correlationId = `intent-${Date.now().toString(36)}`;
    const res = await intent(
      { intent_type: 'close_window', correlation_id: correlationId },
      '/vx11/intent',
    ).expect(201);
    expect(res.body.correlation_id).toBe(correlationId);
    await finished(res.body.plan_id);
    const result = (await t.http().get(`/vx11/result/${correlationId}`).set(t.auth).expect(200))
      .body as Plan;
    expect(result.plan_id).toBe(res.body.plan_id);
    expect(result.status).toBe('ERROR');
    expect(result.error).toMatch(/CLOSE_WINDOW: no_open_window/);
    expect(result.steps[0]).toMatchObject({ status: 'ERROR', type: 'CLOSE_WINDOW' });

    await t.http().get('/vx11/result/no-such-correlation').set(t.auth).expect(404);
  });

  it('cancels a waiting plan once; a finished plan cannot be cancelled', async () => {
    const created = await submit({ intent_type: 'free_text', text: 'reinicia el switch' });
    expect(created).toMatchObject({ risk: 'MED', status: 'WAITING' });
    const res = await t
      .http()
      .post(`/madre/plans/${created.plan_id}/cancel`)
      .set(t.auth)
      .expect(200);
    expect(res.body.status).toBe('CANCELLED');
    await t.http().post(`/madre/plans/${created.plan_id}/cancel`).set(t.auth).expect(409);
    await confirm(created.plan_id, created.confirm_token!).expect(403);
  });

  it('lists plans newest first with a status filter and a cursor', async () => {
    const res = await t.http().get('/madre/plans?status=DONE&limit=2').set(t.auth).expect(200);
    expect(res.body.plans).toHaveLength(2);
    expect(res.body.plans.every((p: Plan) => p.status === 'DONE')).toBe(true);
    const next = await t
      .http()
      .get(`/madre/plans?status=DONE&limit=2&before=${encodeURIComponent(res.body.next_before)}`)
      .set(t.auth)
      .expect(200);
    const ids = new Set(res.body.plans.map((p: Plan) => p.plan_id));
    expect(next.body.plans.some((p: Plan) => ids.has(p.plan_id))).toBe(false);
    await t.http().get('/madre/plans?status=NOPE').set(t.auth).expect(400);
    await t.http().get('/madre/plans/not-a-uuid').set(t.auth).expect(400);
    await t
      .http()
      .get(`/madre/plans/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)
      .set(t.auth)
      .expect(404);
  });

  it('refuses bad intents with 400/422 naming the fields', async () => {
    const fields = (body: { details?: Array<{ field: string }> }) =>
      (body.details ?? []).map((d) => d.field);
    const unknown = await intent({ intent_type: 'launch_rockets' }).expect(400);
    expect(fields(unknown.body)).toContain('intent_type');
    const long = await intent({
      intent_type: 'free_text',
      text: 'a'.repeat(t.config.intents.maxTextChars + 1),
    }).expect(400);
    expect(fields(long.body)).toContain('text');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i += 1) deep = { d: deep };
    const tooDeep = await intent({ intent_type: 'status', payload: deep }, '/vx11/intent').expect(
      400,
    );
    expect(fields(tooDeep.body)).toContain('payload');
    const noTarget = await intent({ intent_type: 'open_window' }).expect(422);
    expect(fields(noTarget.body)).toContain('payload.target');
    const notAllowed = await intent({ intent_type: 'status', require: ['madre'] }).expect(422);
    expect(fields(notAllowed.body)).toContain('require[0]');
    await intent({ intent_type: 'status' })
      .set('x-vx11-token', 'wrong-token-0123456789')
      .expect(403);
    await t.http().post('/madre/intent').send({ intent_type: 'status' }).expect(401);
  });
});
