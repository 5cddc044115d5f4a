import { backupsFresh } from './backups-fresh.gate';
import { chatSwitchFirst } from './chat-switch-first.gate';
import { correlationIdFlow } from './correlation-flow.gate';
import { degradedFallback } from './degraded-fallback.gate';
import { dormantPolicyGates } from './dormant-policy.gate';
import { noStubs } from './no-stubs.gate';
import { errorCode, Inject, ProbeRequest, probeUrl } from './probe';
import { shubCalibration } from './shub-calibration.gate';
import { PowerSnapshot, soloMadreDefault } from './solo-madre-default.gate';
import { PROBE_MEDIA_TYPE, tokenGuardEnforced } from './token-guard.gate';
import { routeKey } from '../manifest';

const json = (statusCode: number, body: object, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  body: JSON.stringify(body),
});

describe('solo_madre_default', () => {
  const base: PowerSnapshot = {
    defaultPolicy: 'solo_madre',
    defaultPolicyMembers: [],
    appliedPolicy: 'solo_madre',
    windowId: null,
    windowServices: [],
    modules: [
      { name: 'madre', category: 'core', state: 'active' },
      { name: 'switch', category: 'optional', state: 'off' },
      { name: 'manifestator', category: 'optional', state: 'off' },
    ],
  };
  const withState = (name: string, state: string) =>
    base.modules.map((m) => (m.name === name ? { ...m, state } : m));

  it('passes with solo_madre applied and only core up, or optional modules inside a window', () => {
    expect(soloMadreDefault(base).status).toBe('ok');
    expect(
      soloMadreDefault({
        ...base,
        windowId: 'w1',
        windowServices: ['manifestator'],
        modules: withState('manifestator', 'active'),
      }).status,
    ).toBe('ok');
  });

  it('fails, saying why, for another default or applied policy, a stray module or a core one down', () => {
    expect(soloMadreDefault({ ...base, defaultPolicy: 'full' }).reason).toBe(
      'the default policy is full, not solo_madre',
    );
    expect(soloMadreDefault({ ...base, appliedPolicy: 'full' }).reason).toBe(
      'policy full is applied, not the default solo_madre',
    );
    expect(soloMadreDefault({ ...base, modules: withState('switch', 'active') }).reason).toBe(
      'optional modules active with no window open: switch',
    );
    expect(
      soloMadreDefault({
        ...base,
        windowId: 'w1',
        windowServices: ['manifestator'],
        modules: withState('switch', 'active'),
      }).reason,
    ).toBe('optional modules active outside window w1: switch');
    expect(soloMadreDefault({ ...base, modules: withState('madre', 'failed') }).reason).toBe(
      'core modules not active: madre (failed)',
    );
  });
});

describe('token_guard_enforced', () => {
  const routes = [
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/madre/plans/:id' },
    { method: 'POST', path: '/madre/power/window/open' },
  ];
  const publicKeys = new Set([routeKey('GET', '/health')]);

  it('fails at once, with the reason, when auth is off', async () => {
    const inject = jest.fn();
    const r = await tokenGuardEnforced({ authMode: 'off', routes, publicKeys, inject });
    expect(r).toMatchObject({
      status: 'failed',
      reason: 'auth mode is off: no route requires the token',
    });
    expect(inject).not.toHaveBeenCalled();
  });

  it('probes every route without a token; non-GET probes carry a body nothing parses', async () => {
    const seen: ProbeRequest[] = [];
    const inject: Inject = async (req) => {
      seen.push(req);
      return req.url === '/health'
        ? json(200, { status: 'ok' })
        : json(401, { error: 'auth_required' });
    };
    const r = await tokenGuardEnforced({ authMode: 'token', routes, publicKeys, inject });
    expect(r.status).toBe('ok');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /health',
      'GET /madre/plans/vx11-rails-probe',
      'POST /madre/power/window/open',
    ]);
    expect(seen[2].headers).toEqual({ 'content-type': PROBE_MEDIA_TYPE });
    expect(seen.every((s) => !('x-vx11-token' in (s.headers ?? {})))).toBe(true);
  });

  it('fails naming a non-public route that answers without the token', async () => {
    const inject: Inject = async (req) =>
      req.method === 'POST' ? json(415, { error: 'unsupported_media_type' }) : json(200, {});
    const r = await tokenGuardEnforced({ authMode: 'token', routes, publicKeys, inject });
    expect(r.status).toBe('failed');
    expect(r.evidence.unguarded).toEqual([
      'GET /madre/plans/:id (200)',
      'POST /madre/power/window/open (415)',
    ]);
  });
});

describe('dormant_policy_gates', () => {
  const dormant503 = json(503, { error: 'module_dormant' });

  it('passes when each optional route is owned by its module and dormant GETs answer 503', async () => {
    const inject = jest.fn(async () => dormant503);
    const r = await dormantPolicyGates({
      optional: [
        { name: 'switch', state: 'off' },
        { name: 'manifestator', state: 'active' },
      ],
      routesOf: (m) =>
        m === 'switch'
          ? [
              { method: 'GET', path: '/switch/providers', owned_by: 'switch' },
              { method: 'POST', path: '/switch/chat', owned_by: 'switch' },
            ]
          : [{ method: 'GET', path: '/manifestator/rails', owned_by: 'manifestator' }],
      inject,
      authHeaders: { 'x-vx11-token': 't' },
    });
    expect(r.status).toBe('ok');
    expect(inject).toHaveBeenCalledTimes(1); // active modules and non-GET routes are not probed
    expect(r.evidence).toMatchObject({ routes: 3, probed: 1 });
  });

  it('fails naming a route not owned by its module, or one that answers while dormant', async () => {
    const unowned = await dormantPolicyGates({
      optional: [{ name: 'mcp', state: 'off' }],
      routesOf: () => [{ method: 'POST', path: '/mcp', owned_by: null }],
      inject: async () => dormant503,
      authHeaders: {},
    });
    expect(unowned.reason).toMatch(/POST \/mcp \(owned by nobody\)/);
    const answered = await dormantPolicyGates({
      optional: [{ name: 'spawner', state: 'off' }],
      routesOf: () => [{ method: 'GET', path: '/spawner/runs', owned_by: 'spawner' }],
      inject: async () => json(200, []),
      authHeaders: {},
    });
    expect(answered.reason).toMatch(/GET \/spawner\/runs \(200\)/);
  });
});

describe('correlation_id_flow', () => {
  it('passes when the echoed id is on the ledger row, fails when the row carries another', async () => {
    let sent = '';
    const inject: Inject = async (req) => {
      sent = req.headers!['x-correlation-id'];
      expect(JSON.parse(req.payload!).correlation_id).toBeUndefined();
      return json(200, { event_id: 'e1' }, { 'x-correlation-id': sent });
    };
    const good = await correlationIdFlow({
      inject,
      authHeaders: {},
      ledgerCorrelationOf: async () => sent,
    });
    expect(good.status).toBe('ok');
    const bad = await correlationIdFlow({
      inject,
      authHeaders: {},
      ledgerCorrelationOf: async () => 'other',
    });
    expect(bad).toMatchObject({ status: 'failed' });
    expect(bad.reason).toMatch(/carries other/);
    const none = await correlationIdFlow({
      inject,
      authHeaders: {},
      ledgerCorrelationOf: async () => undefined,
    });
    expect(none.reason).toBe('no ledger row for event e1');
  });
});

describe('the other gates', () => {
  it('degraded_fallback needs an answer that reports the applied policy', () => {
    expect(
      degradedFallback(() => 'Status: mode solo_madre, policy solo_madre, …', 'solo_madre').status,
    ).toBe('ok');
    expect(degradedFallback(() => 'hello', 'solo_madre').status).toBe('failed');
    expect(
      degradedFallback(() => {
        throw new Error('boom');
      }, 'solo_madre').reason,
    ).toMatch(/threw: boom/);
  });

  it('backups_fresh: none, too old, without checksum, fresh', () => {
    const now = new Date('2026-01-02T12:00:00.000Z');
    const b = {
      name: 'vx11_20260102_110000.db',
      created_at: '2026-01-02T11:00:00.000Z',
      bytes: 1,
      has_checksum: true,
    };
    expect(backupsFresh(undefined, 3600, now).reason).toMatch(/no verified backup yet/);
    expect(backupsFresh(b, 1800, now).reason).toBe('the newest backup is 3600 s old, over 1800 s');
    expect(backupsFresh({ ...b, has_checksum: false }, 7200, now).status).toBe('failed');
    expect(backupsFresh(b, 7200, now)).toMatchObject({ status: 'ok', evidence: { age_sec: 3600 } });
  });

  it('no_stubs names modules with neither routes nor workers', () => {
    expect(
      noStubs([
        { name: 'a', routes: 2, runs_workers: false },
        { name: 'b', routes: 0, runs_workers: true },
        { name: 'mcp', routes: 0, runs_workers: false },
      ]),
    ).toMatchObject({ status: 'failed', reason: '1 module(s) own no route and run nothing: mcp' });
    expect(noStubs([{ name: 'a', routes: 1, runs_workers: false }]).status).toBe('ok');
  });

  it('chat_switch_first is skipped without a provider or with switch dormant, else probes', async () => {
    const inject = jest.fn(async () => json(200, { provider: 'fast', status: 'ok' }));
    expect(
      (
        await chatSwitchFirst({
          switchProviders: [],
          switchState: 'active',
          inject,
          authHeaders: {},
        })
      ).status,
    ).toBe('skipped');
    expect(
      (
        await chatSwitchFirst({
          switchProviders: ['fast'],
          switchState: 'off',
          inject,
          authHeaders: {},
        })
      ).reason,
    ).toBe('switch is off');
    expect(inject).not.toHaveBeenCalled();
    expect(
      (
        await chatSwitchFirst({
          switchProviders: ['fast'],
          switchState: 'active',
          inject,
          authHeaders: {},
        })
      ).status,
    ).toBe('ok');
    const other = jest.fn(async () => json(200, { provider: null, status: 'failed' }));
    expect(
      (
        await chatSwitchFirst({
          switchProviders: ['fast'],
          switchState: 'active',
          inject: other,
          authHeaders: {},
        })
      ).status,
    ).toBe('failed');
  });

  it('shub_calibration reads the EBU 3341 tone as −23.0 LUFS', () => {
    const r = shubCalibration();
    expect(r.status).toBe('ok');
    expect(r.evidence.integrated_lufs as number).toBeCloseTo(-23, 1);
  });

  it('reads error codes in VX11’s shape and in OpenAI’s (/v1)', () => {
    expect(errorCode('{"error":"auth_required","message":"x"}')).toBe('auth_required');
    expect(
      errorCode('{"error":{"message":"x","type":"authentication_error","code":"auth_required"}}'),
    ).toBe('auth_required');
    expect(errorCode('not json')).toBeUndefined();
  });

  it('probe URLs fill parameters and a final wildcard', () => {
    expect(probeUrl('/a/:id/b/*')).toBe('/a/vx11-rails-probe/b/vx11-rails-probe');
  });
});
