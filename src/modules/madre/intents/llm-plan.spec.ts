import { checkLlmPlan } from './llm-plan';
import { adoptLlmPlan, planIntent, PlannerEnv } from './planner';

const limits = { windowAllowlist: ['switch', 'spawner'], maxTtlSec: 3600, maxTextChars: 2000 };
const env: PlannerEnv = {
  isActive: () => false,
  switchHasProviders: true,
  wakeTtlSec: 60,
  maxWindowTtlSec: 3600,
  windowAllowlist: ['switch', 'spawner'],
};
const reply = (plan: unknown) => `Here you go:\n${JSON.stringify(plan)}\n`;

describe('checkLlmPlan', () => {
  it('accepts a plan that fits the step schema', () => {
    const check = checkLlmPlan(
      reply({
        steps: [
          { type: 'SYSTEM_HEALTHCHECK', params: {} },
          { type: 'OPEN_WINDOW', params: { services: ['switch'], ttl_sec: 30 } },
          { type: 'CLOSE_WINDOW' },
        ],
        explanation: 'check, then wake switch briefly',
        confidence: 0.8,
      }),
      limits,
    );
    expect(check).toEqual({
      ok: true,
      steps: [
        { type: 'SYSTEM_HEALTHCHECK', params: {} },
        { type: 'OPEN_WINDOW', params: { services: ['switch'], ttl_sec: 30, wake: false } },
        { type: 'CLOSE_WINDOW', params: { wake: false } },
      ],
      explanation: 'check, then wake switch briefly',
      confidence: 0.8,
    });
  });

  it.each([
    ['no JSON', 'I would check the health first.', /no JSON object/],
    ['not JSON', '{steps: nope}', /not usable JSON/],
    ['no steps', reply({ explanation: 'x' }), /no "steps"/],
    ['empty', reply({ steps: [] }), /1\.\.8 steps/],
    ['unknown type', reply({ steps: [{ type: 'DROP_DATABASE' }] }), /step 0: type must be one of/],
    [
      'extra param',
      reply({ steps: [{ type: 'SYSTEM_HEALTHCHECK', params: { x: 1 } }] }),
      /unexpected params x/,
    ],
    [
      'bad window',
      reply({ steps: [{ type: 'OPEN_WINDOW', params: { services: ['madre'], ttl_sec: 5 } }] }),
      /allowlist/,
    ],
    [
      'bad ttl',
      reply({ steps: [{ type: 'OPEN_WINDOW', params: { services: ['switch'], ttl_sec: 99999 } }] }),
      /ttl_sec/,
    ],
    ['bad message', reply({ steps: [{ type: 'CALL_SWITCH', params: { message: 3 } }] }), /message/],
    [
      'too many',
      reply({ steps: Array.from({ length: 9 }, () => ({ type: 'NOOP' })) }),
      /1\.\.8 steps/,
    ],
  ])('rejects %s', (_name, text, reason) => {
    const check = checkLlmPlan(text, limits);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(reason);
  });
});

describe('adoptLlmPlan', () => {
  it('wakes what the proposed steps need and never lowers the risk', () => {
    const intent = { intent_type: 'free_text' as const, text: 'delete the cache and tell me' };
    const base = planIntent(intent, env);
    expect(base.risk).toBe('HIGH');
    const plan = adoptLlmPlan(
      intent,
      base,
      {
        steps: [{ type: 'CALL_SWITCH', params: { message: 'tell me' } }],
        explanation: 'just chat',
        confidence: 0.6,
      },
      env,
    );
    expect(plan.steps.map((s) => s.type)).toEqual(['OPEN_WINDOW', 'CALL_SWITCH', 'CLOSE_WINDOW']);
    expect(plan.risk).toBe('HIGH');
    expect(plan.confidence).toBe(0.6);
    expect(plan.explanation).toMatch(/^just chat\. \(a madre-tier plan/);
  });

  it('rates a proposed program run MED even for a harmless text', () => {
    const intent = { intent_type: 'status' as const };
    const plan = adoptLlmPlan(
      intent,
      planIntent(intent, env),
      {
        steps: [{ type: 'SPAWNER_REQUEST', params: { program: 'uptime' } }],
        explanation: 'x',
        confidence: 1,
      },
      env,
    );
    expect(plan.risk).toBe('MED');
    expect(plan.steps[0].params.services).toEqual(['spawner']);
  });
});
