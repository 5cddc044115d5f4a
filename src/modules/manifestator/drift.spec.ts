import { computeDrift, DriftInputs } from './drift';
import { parseManifest } from './manifest';
import { EFFORT_SEC, planPatch, riskFor } from './patchplan';

const tinyManifest = () => ({
  version: 1,
  modules: [
    {
      name: 'madre',
      category: 'core',
      default: 'active',
      legacy_port: 8001,
      routes: [
        { method: 'GET', path: '/madre/power/status', source: 'contract' },
        { method: 'GET', path: '/madre/plans/:id', source: 'contract' },
      ],
    },
    {
      name: 'switch',
      category: 'optional',
      default: 'dormant',
      legacy_port: 8002,
      routes: [{ method: 'POST', path: '/switch/chat', source: 'contract' }],
    },
  ],
  public_routes: [],
  events: { canonical: { 'system.alert': ['alert_id', 'severity', 'message'] }, emitted: [] },
});

const inputs = (over: Partial<DriftInputs> = {}): DriftInputs => ({
  manifest: parseManifest(tinyManifest()),
  manifestPath: '/x/manifest.json',
  live: [
    { method: 'GET', path: '/madre/power/status', owned_by: 'madre', host_module: 'madre' },
    { method: 'GET', path: '/madre/plans/:planId', owned_by: 'madre', host_module: 'madre' },
    { method: 'POST', path: '/switch/chat', owned_by: 'switch', host_module: 'switch' },
  ],
  modules: [
    { name: 'madre', category: 'core', state: 'active' },
    { name: 'switch', category: 'optional', state: 'off' },
  ],
  canonical: { 'system.alert': { alert_id: 'string', severity: 'string', message: 'string' } },
  files: { available: false, reason: 'hormiguero is off' },
  now: new Date('2026-01-02T03:04:05.000Z'),
  ...over,
});

describe('computeDrift', () => {
  it('is in sync when the live system matches the manifest (parameter names aside)', () => {
    const d = computeDrift(inputs());
    expect(d).toMatchObject({ in_sync: true, items: 0, missing_routes: [], extra_routes: [] });
    expect(d.modules.routes).toEqual([
      { name: 'madre', state: 'active', declared: 2, present: 2 },
      { name: 'switch', state: 'off', declared: 1, present: 1 },
    ]);
    expect(d.checked_at).toBe('2026-01-02T03:04:05.000Z');
  });

  it('lists missing and extra routes, modules and event types, and file drift', () => {
    const d = computeDrift(
      inputs({
        live: [
          { method: 'GET', path: '/madre/power/status', owned_by: 'madre', host_module: 'madre' },
          { method: 'GET', path: '/madre/secret', owned_by: null, host_module: 'madre' },
        ],
        modules: [
          { name: 'madre', category: 'optional', state: 'active' },
          { name: 'ghost', category: 'optional', state: 'off' },
        ],
        canonical: {
          'system.alert': { alert_id: 'string' },
          'x.y': { a: 'string' },
        },
        files: {
          available: true,
          baseline_at: null,
          tracked: 10,
          added: ['config/new.json'],
          removed: [],
          changed: ['config/default.json'],
        },
      }),
    );
    expect(d.missing_routes).toEqual([
      { method: 'GET', path: '/madre/plans/:id', module: 'madre' },
      { method: 'POST', path: '/switch/chat', module: 'switch' },
    ]);
    expect(d.extra_routes).toEqual([{ method: 'GET', path: '/madre/secret', module: 'madre' }]);
    expect(d.modules).toMatchObject({
      missing: ['switch'],
      extra: ['ghost'],
      category_mismatch: [{ name: 'madre', declared: 'core', live: 'optional' }],
    });
    expect(d.events).toEqual({
      missing_canonical: [],
      extra_canonical: ['x.y'],
      field_mismatch: [
        { type: 'system.alert', declared: ['alert_id', 'message', 'severity'], live: ['alert_id'] },
      ],
    });
    expect(d.items).toBe(2 + 1 + 1 + 1 + 1 + 1 + 1 + 2);
    expect(d.in_sync).toBe(false);
  });
});

describe('planPatch', () => {
  it('proposes one action per drift item, never executable, risk by count, summed effort', () => {
    const drift = computeDrift(
      inputs({
        live: [{ method: 'GET', path: '/extra', owned_by: null, host_module: null }],
      }),
    );
    const plan = planPatch(drift, new Date('2026-01-02T03:04:06.000Z'));
    expect(plan.executable).toBe(false);
    expect(plan.items.map((i) => `${i.action} ${i.kind} ${i.target}`)).toEqual([
      'add route GET /madre/plans/:id',
      'add route GET /madre/power/status',
      'add route POST /switch/chat',
      'remove route GET /extra',
    ]);
    expect(plan.risk).toBe('mid');
    expect(plan.estimated_time_sec).toBe(3 * EFFORT_SEC.route.add + EFFORT_SEC.route.remove);
  });

  it('grades risk: < 3 low, < 10 mid, else high', () => {
    expect([0, 2, 3, 9, 10, 50].map(riskFor)).toEqual(['low', 'low', 'mid', 'mid', 'high', 'high']);
  });

  it('plans nothing, at low risk, for no drift', () => {
    const plan = planPatch(computeDrift(inputs()));
    expect(plan).toMatchObject({
      items: [],
      risk: 'low',
      estimated_time_sec: 0,
      executable: false,
    });
  });
});
