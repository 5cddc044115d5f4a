import { CORE_MODULES, OPTIONAL_MODULES } from '../../../core/registry/module-catalog';
import { PowerRig, powerRig, usePowerRig } from '../../../../test/support/power-rig';

const T0 = '2030-03-01T10:00:00.000Z';

describe('PowerService', () => {
  let rig: PowerRig;
  const current = usePowerRig(T0);
  beforeEach(() => (rig = current()));

  /** The process after a restart, on the same database, booted. */
  const restart = async () => {
    const next = await powerRig(rig.db);
    await next.power.onApplicationBootstrap();
    return next;
  };
  const running = (r: PowerRig) => OPTIONAL_MODULES.filter((m) => r.registry.isActive(m));

  it('boots the core modules in order, then the applied policy, and comes back to it after a restart', async () => {
    await rig.power.onApplicationBootstrap();
    expect(rig.journal).toEqual(CORE_MODULES.map((m) => `activate ${m}`));
    expect(rig.power.state()).toMatchObject({ policy: 'solo_madre', mode: 'solo_madre' });
    await rig.power.applyPolicy('operative_core');

    const next = await restart();

    expect(next.power.currentPolicy()).toBe('operative_core');
    expect(running(next)).toEqual(['switch', 'hermes']);
    expect(next.architect).toContain('POWER BOOT: policy=operative_core window=none');
  });

  it('brings an open window back at boot next to the policy baseline', async () => {
    await rig.power.onApplicationBootstrap();
    const opened = await rig.windows.open({
      services: ['spawner'],
      mode: 'ttl',
      ttlSec: 600,
      reason: 'spec',
    });
    await rig.power.onApplicationShutdown();

    const next = await restart();

    expect(running(next)).toEqual(['spawner']);
    expect(next.power.state()).toMatchObject({
      mode: 'windowed',
      window_id: opened.window_id,
      window_services: ['spawner'],
      ttl_remaining_sec: 600,
    });
  });

  it('applies a policy: closes the window, starts and stops modules to match, and says so', async () => {
    await rig.power.onApplicationBootstrap();
    const opened = await rig.windows.open({
      services: ['switch', 'mcp'],
      mode: 'hold',
      reason: 'spec',
    });

    const applied = await rig.power.applyPolicy('operative_core');

    expect(applied).toMatchObject({
      previous_policy: 'solo_madre',
      window_closed: opened.window_id,
      services_started: ['hermes'],
      services_stopped: ['mcp'],
      policy: 'operative_core',
      policy_active: true,
      applied: true,
      running_services: ['switch', 'hermes'],
    });
    expect((await rig.windowRow(opened.window_id))?.close_reason).toBe('policy_applied');
    expect(rig.architect).toContain(
      'POLICY APPLIED: solo_madre -> operative_core; started=hermes stopped=mcp',
    );
    expect(rig.power.policyStatus('solo_madre')).toMatchObject({
      policy_active: false,
      applied: false,
    });

    const solo = await rig.power.applyPolicy('solo_madre');
    expect(solo).toMatchObject({ window_closed: null, policy_active: true });
    expect(solo.services_stopped.sort()).toEqual(['hermes', 'switch']);
    expect(rig.power.mode()).toBe('solo_madre');
  });

  it('refuses an unknown policy with 404 before changing anything', async () => {
    await rig.power.onApplicationBootstrap();
    const opened = await rig.windows.open({ services: ['mcp'], mode: 'hold', reason: 'spec' });
    await expect(rig.power.applyPolicy('nope')).rejects.toMatchObject({
      status: 404,
      code: 'unknown_policy',
    });
    expect(rig.windows.current()?.id).toBe(opened.window_id);
    expect(rig.power.currentPolicy()).toBe('solo_madre');
  });

  it('does not call a policy active while one of its modules failed to start', async () => {
    await rig.power.onApplicationBootstrap();
    rig.lifecycles.get('hermes')!.failActivate = 'no engines file';

    const applied = await rig.power.applyPolicy('operative_core');

    expect(applied).toMatchObject({
      applied: true,
      policy_active: false,
      running_services: ['switch'],
      expected_services: ['switch', 'hermes'],
    });
    const status = rig.power.status();
    expect(status.status).toBe('degraded');
    expect(status.modules.find((m) => m.name === 'hermes')).toMatchObject({
      state: 'failed',
      last_error: 'no engines file',
    });
  });

  it('names the mode from what runs: solo_madre, windowed, full', async () => {
    await rig.power.onApplicationBootstrap();
    expect(rig.power.mode()).toBe('solo_madre');
    await rig.windows.open({ services: ['mcp'], mode: 'hold', reason: 'spec' });
    expect(rig.power.mode()).toBe('windowed');
    expect(rig.power.status().modules.find((m) => m.name === 'mcp')?.in_window).toBe(true);
    await rig.power.applyPolicy('full');
    expect(rig.power.mode()).toBe('full');
    expect(rig.power.state().active_services).toHaveLength(
      CORE_MODULES.length + OPTIONAL_MODULES.length,
    );
  });

  it('shuts the optional modules down first, then the core in reverse, leaving the window stored', async () => {
    await rig.power.onApplicationBootstrap();
    await rig.power.applyPolicy('operative_core');
    const opened = await rig.windows.open({ services: ['mcp'], mode: 'hold', reason: 'spec' });
    rig.journal.length = 0;

    await rig.power.onApplicationShutdown();

    const stops = rig.journal.filter((s) => s.startsWith('deactivate'));
    expect(stops.slice(0, 3).sort()).toEqual([
      'deactivate hermes',
      'deactivate mcp',
      'deactivate switch',
    ]);
    expect(stops.slice(3)).toEqual([...CORE_MODULES].reverse().map((m) => `deactivate ${m}`));
    expect(rig.expiry.cancelledAll).toBe(1);
    expect((await rig.windowRow(opened.window_id))?.state).toBe('open');
  });

  it('records every module transition with its time and reason in power_events', async () => {
    await rig.power.onApplicationBootstrap();
    await rig.power.applyPolicy('operative_core');
    const rows: Array<{
      module: string;
      from_state: string;
      to_state: string;
      reason: string;
      at: string;
    }> = await rig.db.query(
      "SELECT module, from_state, to_state, reason, at FROM power_events WHERE module = 'switch' ORDER BY id",
    );
    expect(rows).toEqual([
      {
        module: 'switch',
        from_state: 'off',
        to_state: 'starting',
        reason: 'policy operative_core',
        at: T0,
      },
      {
        module: 'switch',
        from_state: 'starting',
        to_state: 'active',
        reason: 'policy operative_core',
        at: T0,
      },
    ]);
  });
});
