import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Plan {
  plan_id: string;
  status: string;
  risk: string;
  planner: string;
  explanation: string;
  decision_id: string;
  steps: Array<{ type: string; status: string; params: Record<string, unknown> }>;
}

/** A madre-tier provider is configured: madre asks it for a plan, and checks what it gets. */
describe('madre intents with a madre-tier planner', () => {
  let t: TestApp;
  let madre: FakeProvider;
  let dir: string;

  const submit = async (body: object): Promise<Plan> =>
    (await t.http().post('/madre/intent').set(t.auth).send(body).expect(201)).body as Plan;
  const finished = (id: string) =>
    waitFor(async () => {
      const plan = (await t.http().get(`/madre/plans/${id}`).set(t.auth).expect(200)).body as Plan;
      return ['DONE', 'ERROR'].includes(plan.status) ? plan : undefined;
    }, 15000) as Promise<Plan>;

  beforeAll(async () => {
    madre = await new FakeProvider('fake-madre').start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-intents-llm-'));
    const file = providerConfigFile(dir, [{ fake: madre, tier: 'madre', timeout_ms: 2000 }]);
    t = await bootApp({ VX11_CONFIG_FILE: file });
  });

  afterAll(async () => {
    await t?.close();
    await madre?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses a madre-tier plan that fits the step schema, and runs it', async () => {
    madre.behaviour = {
      kind: 'answer',
      content: JSON.stringify({
        steps: [
          { type: 'SYSTEM_HEALTHCHECK', params: {} },
          { type: 'NOOP', params: { note: 'report the health to the operator' } },
        ],
        explanation: 'Check every module, then report',
        confidence: 0.8,
      }),
    };
    const calls = madre.calls;
    const created = await submit({ intent_type: 'free_text', text: 'how is everything going?' });
    expect(madre.calls).toBe(calls + 1);
    expect(created.planner).toBe('madre_llm');
    expect(created.risk).toBe('LOW');
    expect(created.explanation).toMatch(/^Check every module, then report\. \(a madre-tier plan/);
    const plan = await finished(created.plan_id);
    expect(plan.status).toBe('DONE');
    expect(plan.steps.map((s) => [s.type, s.status])).toEqual([
      ['SYSTEM_HEALTHCHECK', 'DONE'],
      ['NOOP', 'DONE'],
    ]);
    const events = await t
      .http()
      .get('/operator/api/events?type=madre.decision.explained&limit=50')
      .set(t.auth)
      .expect(200);
    const decision = events.body.events.find(
      (e: { payload: { decision_id: string } }) => e.payload.decision_id === plan.decision_id,
    );
    expect(decision.payload.confidence).toBe(0.8);
    expect(decision.canonical).toBe(true);
  });

  it('falls back to the keyword plan when the madre-tier plan breaks the schema', async () => {
    madre.behaviour = {
      kind: 'answer',
      content: JSON.stringify({ steps: [{ type: 'DROP_EVERYTHING', params: {} }] }),
    };
    const created = await submit({ intent_type: 'status' });
    expect(created.planner).toBe('keyword');
    expect(created.steps.map((s) => s.type)).toEqual(['SYSTEM_HEALTHCHECK']);
    expect(created.explanation).toMatch(/not used: step 0: type must be one of/);
    expect((await finished(created.plan_id)).status).toBe('DONE');
  });

  it('falls back to the keyword plan when the madre tier does not answer', async () => {
    madre.behaviour = { kind: 'fail', status: 500 };
    const created = await submit({ intent_type: 'free_text', text: 'comprueba la salud' });
    expect(created.planner).toBe('keyword');
    expect(created.steps.map((s) => s.type)).toEqual(['SYSTEM_HEALTHCHECK']);
    expect(created.explanation).toMatch(/not used: no madre-tier answer/);
  });
});
