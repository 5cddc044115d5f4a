import { ApiError } from '../../../core/errors/api-error';
import { planIntent, PlannerEnv } from './planner';

const env = (active: string[] = [], switchHasProviders = true): PlannerEnv => ({
  isActive: (m) => active.includes(m),
  switchHasProviders,
  wakeTtlSec: 120,
  maxWindowTtlSec: 3600,
  windowAllowlist: ['switch', 'hermes', 'spawner'],
});

const types = (plan: { steps: Array<{ type: string }> }) => plan.steps.map((s) => s.type);

describe('planIntent', () => {
  it('plans status as one LOW healthcheck', () => {
    const plan = planIntent({ intent_type: 'status' }, env());
    expect(types(plan)).toEqual(['SYSTEM_HEALTHCHECK']);
    expect(plan.risk).toBe('LOW');
    expect(plan.explanation).toMatch(/runs at once/);
  });

  it('wakes dormant switch around a chat, with the close as cleanup', () => {
    const plan = planIntent({ intent_type: 'chat', text: 'hola' }, env());
    expect(plan.steps).toEqual([
      { type: 'OPEN_WINDOW', params: { services: ['switch'], ttl_sec: 120, wake: true } },
      { type: 'CALL_SWITCH', params: { message: 'hola' } },
      { type: 'CLOSE_WINDOW', params: { services: ['switch'], wake: true }, cleanup: true },
    ]);
  });

  it('opens no window when the module is already active or switch has no provider', () => {
    expect(types(planIntent({ intent_type: 'chat', text: 'hi' }, env(['switch'])))).toEqual([
      'CALL_SWITCH',
    ]);
    expect(types(planIntent({ intent_type: 'chat', text: 'hi' }, env([], false)))).toEqual([
      'CALL_SWITCH',
    ]);
  });

  it('wakes required modules together with the one the step needs', () => {
    const plan = planIntent(
      { intent_type: 'spawn', payload: { program: 'echo' }, require: ['hermes'] },
      env(),
    );
    expect(plan.steps[0].params.services).toEqual(['spawner', 'hermes']);
    expect(plan.risk).toBe('MED');
    const long = planIntent(
      { intent_type: 'spawn', payload: { program: 'sleep', ttl_sec: 600 } },
      env(),
    );
    expect(long.steps[0].params.ttl_sec).toBe(630);
  });

  it('reads free text and keeps the restore offline', () => {
    const plan = planIntent(
      { intent_type: 'free_text', text: 'restaurar la base de datos' },
      env(),
    );
    expect(types(plan)).toEqual(['SYSTEM_HEALTHCHECK', 'RUN_MAINTENANCE', 'NOOP']);
    expect(plan.risk).toBe('HIGH');
    expect(plan.parsed).toMatchObject({ action: 'run_maintenance', language: 'es' });
  });

  it('refuses what it cannot plan with 422 naming the field', () => {
    const fail = (intent: Parameters<typeof planIntent>[0]) => {
      try {
        planIntent(intent, env());
      } catch (err) {
        return { status: (err as ApiError).status, details: (err as ApiError).details };
      }
      throw new Error('planned');
    };
    expect(fail({ intent_type: 'open_window' })).toMatchObject({
      status: 422,
      details: [{ field: 'payload.target' }],
    });
    expect(fail({ intent_type: 'open_window', payload: { target: 'madre' } })).toMatchObject({
      status: 422,
    });
    expect(
      fail({ intent_type: 'open_window', payload: { target: 'switch', ttl_sec: 99999 } }),
    ).toMatchObject({ details: [{ field: 'payload.ttl_sec' }] });
    expect(fail({ intent_type: 'spawn' })).toMatchObject({
      details: [{ field: 'payload.program' }],
    });
    expect(fail({ intent_type: 'chat' })).toMatchObject({ details: [{ field: 'text' }] });
    expect(fail({ intent_type: 'status', require: ['nope'] })).toMatchObject({
      details: [{ field: 'require[0]' }],
    });
  });
});
