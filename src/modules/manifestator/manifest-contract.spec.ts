import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core/config/project-root';
import { MODULE_CATALOG } from '../../core/registry/module-catalog';
import { CANONICAL_TYPES, VX11_EVENT_TYPES } from '../events/canonical-types';
import { declaredRoutes, parseManifest, routeKey } from './manifest';

/*
 * config/manifest.json must say what CONTRACT.md (/work/shared/spec/CONTRACT.md) promises.
 * The contract's tables are transcribed here, section by section; a change to either side
 * fails this spec until the other follows.
 *
 * Known differences between the contract's wording and the live route table, decided here:
 * - §3 "WS /ws" is the HTTP upgrade route GET /ws.
 * - §3 "GET /operator/ui/ (the console)" is served as GET /operator/ui (redirect) plus
 *   GET /operator/ui/* (the files); both are public (§2: the UI's static files).
 * - §3 "POST /operator/api/chat/window/open|close, GET .../status" — the status alias takes no
 *   target: GET /operator/api/chat/window/status.
 * - §3 "GET or POST /operator/capabilities" is two routes.
 * - §9 "/mcp (Streamable HTTP)" is POST (messages), GET (server stream) and DELETE (session end)
 *   at /mcp, as the MCP Streamable HTTP transport defines.
 * - §9 "GET /madre/plans[/:id]", "GET /spawner/runs[/:id]", "GET /shub/jobs[/:id]" are two
 *   routes each; "a|b" alternatives are one route each.
 * - §9 "/v1/*": module "switch/operator" — declared under operator (it answers through the
 *   whole chain even while switch is dormant).
 * - §6 GET /events/ledger/verify is declared with the gateway's routes.
 * Routes beyond the contract are declared with their source (issue N or house) and listed in
 * EXTENSIONS below; drift on a default instance is empty only with them declared.
 */

type R = [method: string, path: string, module: string];

/** CONTRACT §3 (gateway, madre, switch/hermes, operator), §6 and §8/§9, one entry per route. */
const CONTRACT_ROUTES: R[] = [
  // §3 Gateway (tentaculo_link)
  ['GET', '/health', 'tentaculo_link'],
  ['GET', '/vx11/status', 'tentaculo_link'],
  ['GET', '/vx11/circuit-breaker/status', 'tentaculo_link'],
  ['GET', '/api/map', 'tentaculo_link'],
  ['POST', '/events/ingest', 'tentaculo_link'],
  ['GET', '/ws', 'tentaculo_link'],
  ['POST', '/vx11/window/open', 'tentaculo_link'],
  ['POST', '/vx11/window/close', 'tentaculo_link'],
  ['GET', '/vx11/window/status/:target', 'tentaculo_link'],
  ['GET', '/metrics', 'tentaculo_link'],
  // §6
  ['GET', '/events/ledger/verify', 'tentaculo_link'],
  // §3 Madre, §5/§9 intents and plans
  ['GET', '/madre/power/status', 'madre'],
  ['GET', '/madre/power/state', 'madre'],
  ['GET', '/madre/power/services', 'madre'],
  ['GET', '/madre/power/policy/:name/status', 'madre'],
  ['POST', '/madre/power/policy/:name/apply', 'madre'],
  ['POST', '/madre/power/window/open', 'madre'],
  ['POST', '/madre/power/window/close', 'madre'],
  ['POST', '/madre/power/maintenance/post_task', 'madre'],
  ['GET', '/madre/power/maintenance/jobs/:id', 'madre'],
  ['POST', '/madre/chat', 'madre'],
  ['POST', '/madre/intent', 'madre'],
  ['POST', '/vx11/intent', 'madre'],
  ['GET', '/madre/plans', 'madre'],
  ['GET', '/madre/plans/:id', 'madre'],
  ['POST', '/madre/plans/:id/confirm', 'madre'],
  ['POST', '/madre/plans/:id/cancel', 'madre'],
  ['GET', '/vx11/result/:correlation_id', 'madre'],
  // §3 Switch and hermes
  ['POST', '/switch/chat', 'switch'],
  ['GET', '/switch/providers', 'switch'],
  ['POST', '/switch/control', 'switch'],
  ['GET', '/switch/queue/status', 'switch'],
  ['POST', '/switch/hermes/select_engine', 'switch'],
  ['POST', '/switch/hermes/record_result', 'switch'],
  ['GET', '/switch/hermes/status', 'switch'],
  ['GET', '/hermes/engines', 'hermes'],
  ['POST', '/hermes/engines', 'hermes'],
  ['DELETE', '/hermes/engines/:name', 'hermes'],
  ['POST', '/hermes/discover', 'hermes'],
  // §3 Operator API, §9 /v1 and the post-mortem
  ['GET', '/operator/api/health', 'operator'],
  ['POST', '/operator/api/chat', 'operator'],
  ['POST', '/operator/chat', 'operator'],
  ['GET', '/operator/session/:id', 'operator'],
  ['GET', '/operator/api/status', 'operator'],
  ['GET', '/operator/api/modules', 'operator'],
  ['GET', '/operator/api/config', 'operator'],
  ['GET', '/operator/api/metrics', 'operator'],
  ['GET', '/operator/api/events', 'operator'],
  ['POST', '/operator/api/events/sse-token', 'operator'],
  ['GET', '/operator/capabilities', 'operator'],
  ['POST', '/operator/capabilities', 'operator'],
  ['GET', '/operator/api/settings', 'operator'],
  ['POST', '/operator/api/settings', 'operator'],
  ['POST', '/operator/api/chat/window/open', 'operator'],
  ['POST', '/operator/api/chat/window/close', 'operator'],
  ['GET', '/operator/api/chat/window/status', 'operator'],
  ['GET', '/operator', 'operator'],
  ['GET', '/operator/ui', 'operator'],
  ['GET', '/operator/ui/*', 'operator'],
  ['GET', '/operator/api/incidents/:id/postmortem', 'operator'],
  ['POST', '/v1/chat/completions', 'operator'],
  ['GET', '/v1/models', 'operator'],
  // §8/§9 hormiguero
  ['GET', '/hormiguero/status', 'hormiguero'],
  ['POST', '/hormiguero/scan/once', 'hormiguero'],
  ['POST', '/hormiguero/baseline', 'hormiguero'],
  ['GET', '/hormiguero/incidents', 'hormiguero'],
  ['POST', '/hormiguero/incidents/:id/ack', 'hormiguero'],
  ['POST', '/hormiguero/incidents/:id/resolve', 'hormiguero'],
  ['POST', '/hormiguero/actions/preview', 'hormiguero'],
  ['POST', '/hormiguero/actions/apply', 'hormiguero'],
  // §8/§9 manifestator
  ['GET', '/manifestator/drift', 'manifestator'],
  ['POST', '/manifestator/patchplan', 'manifestator'],
  ['GET', '/manifestator/rails', 'manifestator'],
  ['GET', '/manifestator/scorecard', 'manifestator'],
  // §9 mcp
  ['POST', '/mcp', 'mcp'],
  ['GET', '/mcp', 'mcp'],
  ['DELETE', '/mcp', 'mcp'],
  // §9 shubniggurath
  ['POST', '/shub/analyze', 'shubniggurath'],
  ['POST', '/shub/batch', 'shubniggurath'],
  ['GET', '/shub/jobs', 'shubniggurath'],
  ['GET', '/shub/jobs/:id', 'shubniggurath'],
  ['POST', '/shub/jobs/:id/cancel', 'shubniggurath'],
  // §9 spawner
  ['POST', '/spawner/runs', 'spawner'],
  ['GET', '/spawner/runs', 'spawner'],
  ['GET', '/spawner/runs/:id', 'spawner'],
  ['POST', '/spawner/runs/:id/kill', 'spawner'],
  ['POST', '/vx11/spawn', 'spawner'],
];

/** Declared beyond the contract, each with where it comes from. */
const EXTENSIONS: Array<[...R, string]> = [
  ['GET', '/madre/power/maintenance/backups', 'madre', 'house'],
  ['GET', '/madre/health/status', 'madre', 'house'],
  ['POST', '/madre/health/run', 'madre', 'house'],
  ['GET', '/operator/api/health/history', 'operator', 'house'],
  ['GET', '/operator/api/health/uptime', 'operator', 'house'],
  ['GET', '/operator/api/incidents', 'operator', 'house'],
  ['POST', '/operator/api/incidents/:id/ack', 'operator', 'house'],
  ['POST', '/operator/api/incidents/:id/resolve', 'operator', 'house'],
  ...[
    '/docs',
    '/docs/',
    '/docs/*',
    '/docs/index.html',
    '/docs/LICENSE',
    '/docs/swagger-ui-init.js',
    '/docs/docs/swagger-ui-init.js',
    '/docs-json',
    '/docs-yaml',
  ].map((p): [string, string, string, string] => ['GET', p, 'tentaculo_link', 'issue 11']),
];

/** CONTRACT §1. */
const CONTRACT_MODULES: Array<
  [string, number | number[], 'core' | 'optional', 'active' | 'dormant']
> = [
  ['tentaculo_link', 8000, 'core', 'active'],
  ['madre', 8001, 'core', 'active'],
  ['switch', 8002, 'optional', 'dormant'],
  ['hermes', 8003, 'optional', 'dormant'],
  ['hormiguero', 8004, 'optional', 'dormant'],
  ['manifestator', 8005, 'optional', 'dormant'],
  ['mcp', 8006, 'optional', 'dormant'],
  ['shubniggurath', 8007, 'optional', 'dormant'],
  ['spawner', 8008, 'optional', 'dormant'],
  ['operator', [8011, 8020], 'core', 'active'],
];

/** CONTRACT §2: public routes (the UI's static files: /operator, /operator/ui, /operator/ui/*). */
const CONTRACT_PUBLIC = [
  'GET /health',
  'GET /vx11/status',
  'GET /operator/api/health',
  'GET /metrics',
  'GET /operator',
  'GET /operator/ui',
  'GET /operator/ui/*',
];

/** CONTRACT §6. */
const CONTRACT_CANONICAL: Record<string, string[]> = {
  'system.alert': ['alert_id', 'severity', 'message'],
  'system.correlation.updated': ['correlation_id', 'related_events', 'strength'],
  'forensic.snapshot.created': ['snapshot_id', 'reason'],
  'madre.decision.explained': ['decision_id', 'summary', 'confidence'],
  'switch.tension.updated': ['value', 'components'],
  'shub.action.narrated': ['action', 'reason', 'next_step'],
};
const CONTRACT_EMITTED = [
  'module.state.changed',
  'window.opened',
  'window.closed',
  'health.check.failed',
  'incident.opened',
  'incident.resolved',
  'chat.completed',
  'maintenance.completed',
];

const manifest = parseManifest(
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'config', 'manifest.json'), 'utf8')),
);
const key = (m: string, p: string) => routeKey(m, p);

describe('config/manifest.json against CONTRACT.md', () => {
  it('declares every contract route under the contract’s module, marked source "contract"', () => {
    const declared = declaredRoutes(manifest).filter((r) => r.source === 'contract');
    const got = declared.map((r) => `${key(r.method, r.path)} @${r.module}`).sort();
    const want = CONTRACT_ROUTES.map(([m, p, mod]) => `${key(m, p)} @${mod}`).sort();
    expect(got).toEqual(want);
  });

  it('declares nothing beyond the contract except the listed extensions, with their source', () => {
    const extra = declaredRoutes(manifest).filter((r) => r.source !== 'contract');
    const got = extra.map((r) => `${key(r.method, r.path)} @${r.module} (${r.source})`).sort();
    const want = EXTENSIONS.map(([m, p, mod, src]) => `${key(m, p)} @${mod} (${src})`).sort();
    expect(got).toEqual(want);
  });

  it('declares the ten modules of §1 with their category, default and legacy port', () => {
    const got = manifest.modules.map((m) => [m.name, m.legacy_port, m.category, m.default]);
    expect(got).toEqual(CONTRACT_MODULES);
    // and the registry's catalog agrees
    expect(MODULE_CATALOG.map((m) => [m.name, m.category])).toEqual(
      CONTRACT_MODULES.map(([n, , c]) => [n, c]),
    );
  });

  it('declares §2’s public routes (GET /metrics only while metricsPublic), and the docs pages', () => {
    const contractPublic = manifest.public_routes.filter((r) => r.source === 'contract');
    expect(contractPublic.map((r) => key(r.method, r.path)).sort()).toEqual(
      CONTRACT_PUBLIC.map((s) => key(s.split(' ')[0], s.split(' ')[1])).sort(),
    );
    expect(manifest.public_routes.find((r) => r.path === '/metrics')?.when).toBe('metricsPublic');
    const all = new Set(declaredRoutes(manifest).map((r) => key(r.method, r.path)));
    for (const r of manifest.public_routes) expect(all.has(key(r.method, r.path))).toBe(true);
    expect(
      manifest.public_routes
        .filter((r) => r.source !== 'contract')
        .every((r) => r.path.startsWith('/docs')),
    ).toBe(true);
  });

  it('declares §6’s canonical types with their fields, as the events module validates them', () => {
    expect(manifest.events.canonical).toEqual(CONTRACT_CANONICAL);
    const live = Object.fromEntries(
      Object.entries(CANONICAL_TYPES).map(([t, f]) => [t, Object.keys(f)]),
    );
    expect(live).toEqual(CONTRACT_CANONICAL);
    expect(manifest.events.emitted).toEqual(CONTRACT_EMITTED);
    for (const t of CONTRACT_EMITTED) expect(VX11_EVENT_TYPES).toContain(t);
  });
});
