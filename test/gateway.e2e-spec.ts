import { RouteTable } from '../src/core/http/route-table';
import { bootApp, TestApp } from './support/test-app';

/**
 * The console's static files (@fastify/static, outside Nest) and the redirects to them. Public
 * per CONTRACT §2 ("the UI's static files"): the UI holds no data, and every API call it makes
 * carries the token (test/console.e2e-spec.ts). Static files, so not in the OpenAPI document.
 */
const CONSOLE_ROUTES = ['GET /operator', 'GET /operator/ui', 'GET /operator/ui/*'];

/**
 * The Swagger UI page shell (HTML, its init script with a stub document, swagger-ui-dist files):
 * public like the console's files, so a browser can open /docs; /docs-json stays guarded.
 */
const DOCS_PAGE_ROUTES = [
  'GET /docs',
  'GET /docs/',
  'GET /docs/index.html',
  'GET /docs/LICENSE',
  'GET /docs/swagger-ui-init.js',
  'GET /docs/docs/swagger-ui-init.js',
  'GET /docs/*',
];

/** CONTRACT §2: the only routes reachable without the token. */
const PUBLIC_ROUTES = [
  'GET /health',
  'GET /vx11/status',
  'GET /operator/api/health',
  'GET /metrics',
  ...CONSOLE_ROUTES,
  ...DOCS_PAGE_ROUTES,
];

function concretePath(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, 'x').replace(/\*/g, 'x');
}

describe('gateway', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Every route is tried with a wrong token: far past the failed-auth limit (tested in
    // test/http-edge.e2e-spec.ts), which would answer 429 from then on.
    t = await bootApp({ VX11_AUTH_FAILURE_LIMIT: '100000' });
  });
  afterAll(() => t.close());

  it('serves the public routes without a token', async () => {
    const health = await t.http().get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', module: 'tentaculo_link' });
    expect(typeof health.body.version).toBe('string');
    expect(typeof health.body.uptime_s).toBe('number');
    await t
      .http()
      .get('/operator/api/health')
      .expect(200, { status: 'ok', service: 'operator_backend' });
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toContain('vx11_process_cpu_user_seconds_total');
  });

  it('answers 401 without a token and 403 with a wrong one on every other registered route', async () => {
    const routes = t.get(RouteTable).list();
    const guarded = routes.filter((r) => !PUBLIC_ROUTES.includes(`${r.method} ${r.url}`));
    expect(guarded.length).toBeGreaterThan(3);
    expect(guarded.map((r) => r.url)).toEqual(expect.arrayContaining(['/api/map', '/docs-json']));
    // the OpenAI-compatible API answers in OpenAI's error shape, and a wrong key is a 401 there
    // (what OpenAI answers, so SDKs raise AuthenticationError)
    const codeOf = (body: { error?: unknown }) =>
      typeof body.error === 'string' ? body.error : (body.error as { code?: string })?.code;
    for (const route of guarded) {
      const path = concretePath(route.url);
      const openAi = route.url.startsWith('/v1/');
      const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const missing = await t.http()[method](path).send({});
      expect({
        route: `${route.method} ${route.url}`,
        status: missing.status,
        error: codeOf(missing.body),
      }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
        error: 'auth_required',
      });
      const wrong = await t
        .http()
        [method](path)
        .set('x-vx11-token', 'wrong-token-wrong-token')
        .send({});
      expect({
        route: `${route.method} ${route.url}`,
        status: wrong.status,
        error: codeOf(wrong.body),
      }).toEqual({
        route: `${route.method} ${route.url}`,
        status: openAi ? 401 : 403,
        error: openAi ? 'invalid_api_key' : 'forbidden',
      });
    }
  });

  it('accepts the token as X-VX11-Token or as a Bearer token', async () => {
    await t.http().get('/api/map').set(t.auth).expect(200);
    await t.http().get('/api/map').set('authorization', `Bearer ${t.config.token}`).expect(200);
    // RFC 7235: the scheme name is case-insensitive
    await t.http().get('/api/map').set('authorization', `bearer ${t.config.token}`).expect(200);
    await t.http().get('/api/map').set('authorization', 'Bearer wrong-token-wrong').expect(403);
  });

  it('reports the system status computed from the registry, Redis and the database', async () => {
    const res = await t.http().get('/vx11/status').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      mode: 'solo_madre',
      policy: 'solo_madre',
      madre_available: true,
      switch_available: false,
      spawner_available: false,
      redis: { status: 'up' },
      db: { status: 'ok' },
    });
    expect(res.body.modules).toEqual({
      tentaculo_link: 'active',
      madre: 'active',
      switch: 'off',
      hermes: 'off',
      hormiguero: 'off',
      manifestator: 'off',
      mcp: 'off',
      shubniggurath: 'off',
      spawner: 'off',
      operator: 'active',
    });
    expect(res.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.stringify(res.body)).not.toContain(t.config.token);
  });

  it('draws the topology of all ten modules with counts from their states', async () => {
    const res = await t.http().get('/api/map').set(t.auth).expect(200);
    expect(res.body.nodes).toHaveLength(10);
    expect(res.body.nodes.find((n: { id: string }) => n.id === 'switch')).toMatchObject({
      state: 'off',
      port: 8002,
    });
    expect(res.body.edges).toEqual(
      expect.arrayContaining([{ from: 'madre', to: 'switch', label: 'power' }]),
    );
    expect(res.body.counts).toEqual({ services_up: 3, total_services: 10, dormant_services: 7 });
  });

  it('lists the circuit breakers registered in the process', async () => {
    const res = await t.http().get('/vx11/circuit-breaker/status').set(t.auth).expect(200);
    expect(res.body).toHaveProperty('breakers');
    expect(typeof res.body.breakers).toBe('object');
  });

  it('records request durations per route pattern and status in /metrics', async () => {
    await t.http().get('/api/map').set(t.auth).expect(200);
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(
      /vx11_http_request_duration_seconds_count\{method="GET",route="\/api\/map",status_code="200"\} [1-9]/,
    );
  });

  it('documents every route at /docs (token required)', async () => {
    await t.http().get('/docs-json').expect(401);
    // The router decodes the path; the token check goes by the route it matched, not the URL.
    for (const disguised of ['/%64ocs-json', '/docs%2Djson']) {
      const res = await t.http().get(disguised);
      expect({ disguised, status: res.status, error: res.body.error }).toEqual({
        disguised,
        status: 401,
        error: 'auth_required',
      });
    }
    const res = await t.http().get('/docs-json').set(t.auth).expect(200);
    const documented = Object.entries(res.body.paths as Record<string, object>).flatMap(
      ([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const nestRoutes = t
      .get(RouteTable)
      .list()
      .filter((r) => !r.url.startsWith('/docs'))
      .map((r) => `${r.method} ${r.url}`)
      .filter((route) => !CONSOLE_ROUTES.includes(route));
    expect(documented.sort()).toEqual(expect.arrayContaining(nestRoutes.sort()));
    const html = await t.http().get('/docs').set(t.auth);
    expect([200, 301, 302]).toContain(html.status);
  });
});
