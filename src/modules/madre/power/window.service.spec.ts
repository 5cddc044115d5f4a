import { ApiError } from '../../../core/errors/api-error';
import { advanceClock } from '../../../../test/support/frozen-clock';
import { PowerRig, powerRig, usePowerRig } from '../../../../test/support/power-rig';
import { OpenWindowRequest } from './window.service';

const T0 = '2030-03-01T10:00:00.000Z';
const ttl = (services: string[], ttlSec: number): OpenWindowRequest => ({
  services,
  mode: 'ttl',
  ttlSec,
  reason: 'spec',
});

describe('WindowService', () => {
  let rig: PowerRig;
  const current = usePowerRig(T0);
  beforeEach(() => (rig = current()));

  const refusal = (work: () => unknown) => {
    try {
      work();
    } catch (err) {
      return err as ApiError;
    }
    throw new Error('expected a refusal');
  };

  it('opens a TTL window: starts its modules, stores it, arms its deadline and announces it', async () => {
    await rig.modulePower.activate('hermes', 'already up');
    rig.journal.length = 0;

    const opened = await rig.windows.open(ttl(['switch', 'hermes', 'switch'], 30));

    const deadline = '2030-03-01T10:00:30.000Z';
    expect(opened).toMatchObject({
      services: ['switch', 'hermes'],
      mode: 'ttl',
      created_at: T0,
      deadline,
      ttl_remaining_sec: 30,
      services_started: ['switch'],
      services_failed: [],
      state: 'open',
    });
    expect(rig.journal).toEqual(['activate switch']);
    expect(rig.registry.isActive('switch')).toBe(true);
    expect(await rig.windowRow(opened.window_id)).toMatchObject({
      state: 'open',
      ttl_sec: 30,
      deadline,
      services_started: ['switch'],
      closed_at: null,
    });
    expect(rig.expiry.armed.get(opened.window_id)).toBe(Date.parse(deadline));
    expect(rig.events.find((e) => e.type === 'window.opened')?.payload).toMatchObject({
      window_id: opened.window_id,
      services: ['switch', 'hermes'],
      deadline,
      services_started: ['switch'],
    });
    expect(rig.architect).toContainEqual(
      expect.stringMatching(`^WINDOW OPEN: ${opened.window_id} services=switch,hermes mode=ttl`),
    );
    advanceClock(12_400);
    expect(rig.windows.view()?.ttl_remaining_sec).toBe(18);
  });

  it('closes by itself at its deadline, not before, and only once', async () => {
    const opened = await rig.windows.open(ttl(['switch'], 10));

    advanceClock(5000);
    await rig.expiry.fire(opened.window_id); // early: a clock skew on the queue side
    expect(rig.windows.current()?.id).toBe(opened.window_id);
    expect(rig.expiry.armed.get(opened.window_id)).toBe(Date.parse(opened.deadline!));

    advanceClock(5000);
    await rig.expiry.fire(opened.window_id);
    expect(rig.windows.current()).toBeNull();
    expect(rig.registry.state('switch')).toBe('off');
    expect(await rig.windowRow(opened.window_id)).toMatchObject({
      state: 'closed',
      close_reason: 'ttl_expired',
      closed_at: opened.deadline,
      services_stopped: ['switch'],
    });
    const closed = rig.events.filter((e) => e.type === 'window.closed');
    expect(closed.map((e) => e.payload)).toEqual([
      expect.objectContaining({ reason: 'ttl_expired', duration_sec: 10 }),
    ]);

    await rig.expiry.fire(opened.window_id); // the queued job after the local timer
    expect(rig.events.filter((e) => e.type === 'window.closed')).toHaveLength(1);
  });

  it('puts modules back to the policy baseline on close, leaving policy members running', async () => {
    await rig.policies.set('operative_core');
    await rig.modulePower.activate('switch', 'policy');
    const opened = await rig.windows.open(ttl(['switch', 'spawner'], 60));
    expect(opened.services_started).toEqual(['spawner']);

    const closed = await rig.windows.close(opened.window_id, 'manual_close', 'done testing');

    expect(closed).toMatchObject({ services_stopped: ['spawner'], reason: 'manual_close' });
    expect(rig.registry.isActive('switch')).toBe(true);
    expect(rig.registry.state('spawner')).toBe('off');
    expect(await rig.windowRow(opened.window_id)).toMatchObject({ close_note: 'done testing' });
  });

  it('checks a request in the contract order: 400, then 422', () => {
    const empty = refusal(() => rig.windows.validate(ttl([], 10)));
    expect(empty).toMatchObject({ status: 400, code: 'validation_failed' });
    for (const bad of [0, 3601, 1.5, undefined]) {
      const err = refusal(() => rig.windows.validate(ttl(['switch'], bad as number)));
      expect(err).toMatchObject({ status: 400, code: 'invalid_ttl' });
    }
    // A bad TTL is reported before a module outside the allowlist.
    expect(refusal(() => rig.windows.validate(ttl(['madre'], 0))).status).toBe(400);
    const refused = refusal(() => rig.windows.validate(ttl(['switch', 'madre', 'nope'], 10)));
    expect(refused).toMatchObject({
      status: 422,
      code: 'service_not_allowed',
      extra: { refused: ['madre', 'nope'], allowlist: ['switch', 'hermes', 'spawner', 'mcp'] },
    });
    expect(() =>
      rig.windows.validate({ services: ['spawner'], mode: 'hold', reason: 'no ttl needed' }),
    ).not.toThrow();
  });

  it('keeps one window open: of parallel opens exactly one wins, the rest get 409 naming it', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => rig.windows.open(ttl(['switch'], 30))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const windowId = (won[0] as PromiseFulfilledResult<{ window_id: string }>).value.window_id;
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        status: 409,
        code: 'window_already_open',
        extra: { window_id: windowId },
      });
    }
    expect(rig.journal.filter((s) => s === 'activate switch')).toHaveLength(1);
  });

  it('answers a close with nothing to close with a 404 that says why', async () => {
    await expect(rig.windows.close(undefined, 'manual_close')).rejects.toMatchObject({
      status: 404,
      code: 'no_open_window',
    });
    await expect(rig.windows.close('unknown-id', 'manual_close')).rejects.toMatchObject({
      status: 404,
      code: 'window_not_found',
    });
    const opened = await rig.windows.open(ttl(['mcp'], 30));
    const closed = await rig.windows.close(undefined, 'manual_close');
    const again = await rig.windows.close(opened.window_id, 'manual_close').catch((e) => e);
    expect(again).toMatchObject({ status: 404, code: 'window_not_open' });
    expect(again.message).toBe(
      `Window ${opened.window_id} is already closed (manual_close at ${closed.closed_at})`,
    );
  });

  it('closes the open window for a policy change without stopping its modules', async () => {
    expect(await rig.windows.closeForPolicy()).toBeNull();
    const opened = await rig.windows.open(ttl(['switch'], 30));
    expect(await rig.windows.closeForPolicy()).toBe(opened.window_id);
    expect(rig.registry.isActive('switch')).toBe(true);
    expect(await rig.windowRow(opened.window_id)).toMatchObject({
      close_reason: 'policy_applied',
      services_stopped: [],
    });
    expect(rig.expiry.armed.size).toBe(0);
  });

  describe('after a restart', () => {
    it('restores a live window with its modules and its timer', async () => {
      const opened = await rig.windows.open(ttl(['switch'], 60));
      rig.windows.suspend();
      expect(rig.expiry.armed.size).toBe(0);
      expect((await rig.windowRow(opened.window_id))?.state).toBe('open');

      advanceClock(20_000);
      const next = await powerRig(rig.db);
      await next.windows.recover();

      expect(next.windows.view()).toMatchObject({
        window_id: opened.window_id,
        ttl_remaining_sec: 40,
      });
      expect(next.registry.isActive('switch')).toBe(true);
      expect(next.expiry.armed.get(opened.window_id)).toBe(Date.parse(opened.deadline!));
      expect(next.architect).toContainEqual(
        expect.stringMatching(`^WINDOW RESTORED: ${opened.window_id}`),
      );
    });

    it('closes a window whose deadline passed while the process was down', async () => {
      const opened = await rig.windows.open(ttl(['hermes'], 5));
      rig.windows.suspend();

      advanceClock(60_000);
      const next = await powerRig(rig.db);
      await next.windows.recover();

      expect(next.windows.current()).toBeNull();
      expect(next.registry.state('hermes')).toBe('off');
      expect(next.journal).not.toContain('activate hermes');
      expect(await next.windowRow(opened.window_id)).toMatchObject({
        state: 'closed',
        close_reason: 'startup_recovery',
        closed_at: new Date(Date.parse(T0) + 60_000).toISOString(),
      });
    });
  });
});
