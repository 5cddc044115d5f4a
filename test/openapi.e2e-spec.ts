import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { Response } from 'supertest';
import { RouteTable } from '../src/core/http/route-table';
import { sineSegments } from '../src/modules/shubniggurath/dsp/test-signals';
import {
  encodeFrames,
  EncodeFormat,
  wavHeader,
} from '../src/modules/shubniggurath/dsp/wav-encoder';
import { launchChromium, listenOnLoopback, screenshot, watchPage } from './support/browser';
import { bootApp, TestApp, waitFor } from './support/test-app';

const ROOT = join(__dirname, '..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
const UI_MS = 10000;
/** The console's localStorage key (src/modules/operator/console/api.js): one sign-in for both. */
const CONSOLE_TOKEN_KEY = 'vx11.operator.token';

/**
 * Warnings of the recommended rules that are true of VX11 and stay: public liveness routes
 * have no 4xx to document, and a WebSocket endpoint answers 101, not 2xx.
 */
const KNOWN_WARNINGS = [
  'operation-4xx-response #/paths/~1health/get/responses',
  'operation-4xx-response #/paths/~1vx11~1status/get/responses',
  'operation-4xx-response #/paths/~1metrics/get/responses',
  'operation-4xx-response #/paths/~1operator~1api~1health/get/responses',
  'operation-2xx-response #/paths/~1ws/get/responses',
];

// ---- the part of OpenAPI 3.0 the document uses, enough to check answers against it ----

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
};
type MediaTypes = Record<string, { schema?: Schema }>;
interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content: MediaTypes };
  responses: Record<string, { description: string; content?: MediaTypes }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, object> };
  security: Array<Record<string, string[]>>;
  tags: Array<{ name: string; description?: string }>;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Where `value` departs from `schema`. Stricter than OpenAPI on one point, on purpose: a field
 * the schema does not list is a problem unless the schema says `additionalProperties`, so an
 * answer cannot carry fields the document forgot.
 */
function mismatches(doc: OpenApiDoc, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    return mismatches(doc, doc.components.schemas[schema.$ref.split('/').pop()!], value, at);
  }
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  if (schema.oneOf) {
    const fits = schema.oneOf.filter((s) => mismatches(doc, s, value, at).length === 0);
    return fits.length === 1 ? [] : [`${at} fits ${fits.length} of oneOf`];
  }
  if (schema.allOf) {
    const own = schema.allOf.flatMap((s) => mismatches(doc, s, value, at));
    // an allOf of one $ref (how a nullable reference is written) keeps that schema's strictness
    const open = schema.additionalProperties === true;
    return own.filter((p) => !(open && p.includes('is not documented')));
  }
  const problems: string[] = [];
  const kind = Array.isArray(value) ? 'array' : typeof value;
  switch (schema.type) {
    case 'integer':
      if (!Number.isInteger(value)) problems.push(`${at} is not an integer: ${String(value)}`);
      break;
    case 'number':
      if (typeof value !== 'number') problems.push(`${at} is ${kind}, not a number`);
      break;
    case 'string':
      if (typeof value !== 'string') problems.push(`${at} is ${kind}, not a string`);
      else if (schema.format === 'date-time' && !DATE_TIME.test(value))
        problems.push(`${at} is not an ISO-8601 UTC date-time: ${value}`);
      else if (schema.format === 'uuid' && !UUID.test(value))
        problems.push(`${at} is not a UUID: ${value}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at} is ${kind}, not a boolean`);
      break;
    case 'array':
      if (!Array.isArray(value)) problems.push(`${at} is ${kind}, not an array`);
      else if (schema.items)
        value.forEach((v, i) => problems.push(...mismatches(doc, schema.items!, v, `${at}[${i}]`)));
      break;
    case 'object':
    case undefined:
      if (schema.type === 'object' || schema.properties) {
        if (kind !== 'object') {
          problems.push(`${at} is ${kind}, not an object`);
          break;
        }
        const record = value as Record<string, unknown>;
        for (const name of schema.required ?? []) {
          if (!(name in record)) problems.push(`${at}.${name} is required but missing`);
        }
        for (const [name, v] of Object.entries(record)) {
          const declared = schema.properties?.[name];
          const extra = schema.additionalProperties;
          if (declared) problems.push(...mismatches(doc, declared, v, `${at}.${name}`));
          else if (typeof extra === 'object')
            problems.push(...mismatches(doc, extra, v, `${at}.${name}`));
          else if (extra !== true) problems.push(`${at}.${name} is not documented`);
        }
      }
      break;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(`${at} = ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  return problems;
}

/** The documented operation of a route (`/spawner/runs/:id` → `/spawner/runs/{id}`). */
function operationOf(doc: OpenApiDoc, method: string, route: string): Operation | undefined {
  return doc.paths[route.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[method.toLowerCase()];
}

/** How the answer departs from the document: an undocumented status, or a body off its schema. */
function judge(doc: OpenApiDoc, method: string, route: string, res: Response): string[] {
  const label = `${method} ${route} → ${res.status}`;
  const op = operationOf(doc, method, route);
  if (!op) return [`${label}: the route is not documented`];
  const documented = op.responses[String(res.status)] ?? op.responses.default;
  if (!documented) {
    return [`${label}: status not documented (${Object.keys(op.responses).join(', ')})`];
  }
  const type = String(res.headers['content-type'] ?? '').split(';')[0];
  if (!type) return [];
  const media = documented.content?.[type];
  if (!media?.schema) return [`${label}: ${type} not documented`];
  if (type !== 'application/json') return [];
  return mismatches(doc, media.schema, res.body).map((p) => `${label}: ${p}`);
}

function sineWav(seconds: number): Buffer {
  const format: EncodeFormat = {
    encoding: 'int',
    bitsPerSample: 16,
    sampleRate: 8000,
    channels: 1,
  };
  const planar = sineSegments(format.sampleRate, [{ dbfs: -20, seconds }]);
  const data = encodeFrames(planar, planar[0].length, format);
  return Buffer.concat([wavHeader(format, data.length), data]);
}

describe('OpenAPI document (GET /docs-json)', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  const problems: string[] = [];
  /** Every status the run got, so the test shows it covered errors too. */
  const seen = new Set<number>();
  /** Sends a request and records how its answer departs from the document. */
  let call: (
    method: 'GET' | 'POST' | 'DELETE',
    route: string,
    params?: Record<string, string>,
    body?: object,
    headers?: Record<string, string>,
  ) => Promise<Response>;

  beforeAll(async () => {
    t = await bootApp();
    doc = (await t.http().get('/docs-json').set(t.auth).expect(200)).body as OpenApiDoc;
    call = async (method, route, params = {}, body, headers = t.auth) => {
      const path = route.replace(/:([A-Za-z_]+)/g, (_, name: string) => params[name]);
      const request = t
        .http()
        [method.toLowerCase() as 'get' | 'post' | 'delete'](path)
        .set(headers);
      const res = await (body === undefined ? request : request.send(body));
      problems.push(...judge(doc, method, route, res));
      seen.add(res.status);
      return res;
    };
  });
  afterAll(() => t.close());

  it('is served only with the token; the page shell embeds none of it', async () => {
    await t.http().get('/docs-json').expect(401);
    await t.http().get('/docs-yaml').expect(401);
    const page = await t.http().get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
    for (const init of ['/docs/swagger-ui-init.js', '/docs/swagger-ui-init.js?x=1']) {
      const script = await t.http().get(init).expect(200);
      expect(script.text).toContain('X-VX11-Token'); // the ways to authorize, for the button
      expect(script.text).not.toContain('/madre/power');
      expect(script.text).not.toContain('ErrorBody');
    }
  });

  it('passes redocly lint with no error and no warning but the known ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const args = ['lint', file, '--format=json', `--config=${join(ROOT, 'redocly.yaml')}`];
      const env = {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      };
      // exit code 1 when there are errors: the report says which
      const { stdout } = await promisify(execFile)(REDOCLY, args, { env, cwd: ROOT }).catch(
        (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
      );
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: Array<{
          ruleId: string;
          severity: string;
          message: string;
          location: Array<{ pointer: string }>;
        }>;
      };
      const found = (severity: string) =>
        report.problems
          .filter((p) => p.severity === severity)
          .map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
      expect(found('error')).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(found('warn').sort()).toEqual([...KNOWN_WARNINGS].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes both ways to send the token, and marks the public routes', () => {
    expect(doc.components.securitySchemes.token).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-VX11-Token',
    });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ token: [] }, { bearer: [] }]);
    const publicOps = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(publicOps.sort()).toEqual(
      ['GET /health', 'GET /metrics', 'GET /operator/api/health', 'GET /vx11/status'].sort(),
    );
    // the SSE listing also takes ?token= (EventSource cannot send headers)
    expect(doc.paths['/operator/api/events'].get.security).toContainEqual({ feed_token: [] });
    const guarded = doc.paths['/api/map'].get;
    expect(guarded.security).toBeUndefined(); // inherits the document's two alternatives
    expect(Object.keys(guarded.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
  });

  it('gives every operation a readable unique id, a module tag, its answer and its errors', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ route: `${method} ${path}`, op })),
    );
    expect(ops.length).toBeGreaterThan(60);
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id ?? ''))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((tag) => tag.name));
    expect(doc.tags.filter((tag) => !tag.description)).toEqual([]);
    expect(ops.filter(({ op }) => op.tags?.length !== 1 || !tags.has(op.tags[0]))).toEqual([]);
    for (const { route, op } of ops) {
      const statuses = Object.keys(op.responses);
      const ok = statuses.find((s) => s.startsWith('2') || s === '101');
      expect({ route, answer: ok !== undefined }).toEqual({ route, answer: true });
      if (ok?.startsWith('2')) {
        expect({ route, body: Object.keys(op.responses[ok].content ?? {}) }).not.toEqual({
          route,
          body: [],
        });
      }
      // the OpenAI-compatible API answers errors in OpenAI's shape, so SDKs raise their classes
      const errorSchema = route.includes(' /v1/') ? 'OpenAiErrorDto' : 'ErrorBody';
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        expect({
          route,
          status,
          schema: op.responses[status].content?.['application/json']?.schema,
        }).toEqual({ route, status, schema: { $ref: `#/components/schemas/${errorSchema}` } });
      }
    }
    // path parameters are declared
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect({ route: `${method} ${path}`, declared }).toEqual({
          route: `${method} ${path}`,
          declared: names,
        });
      }
    }
  });

  it('marks required fields and integers in the request bodies', () => {
    const schemas = doc.components.schemas;
    expect(schemas.OpenWindowDto.properties!.ttl_sec.type).toBe('integer');
    expect(schemas.TargetWindowOpenDto.required).toEqual(['target']);
    expect(schemas.RegisterEngineDto.required?.sort()).toEqual([
      'base_url',
      'model',
      'name',
      'tier',
    ]);
    expect(schemas.StartRunDto.properties!.ttl_sec.type).toBe('integer');
  });

  it('documents every answer of a run through the API: status and shape', async () => {
    const routes = t.get(RouteTable).list();
    const plainGets = routes
      .filter((r) => r.method === 'GET' && !r.url.includes(':') && !r.url.includes('*'))
      .filter((r) => !r.url.startsWith('/docs') && !r.url.startsWith('/operator/ui'))
      .filter((r) => r.url !== '/operator')
      .map((r) => r.url);
    expect(plainGets.length).toBeGreaterThan(30);

    // dormant optional modules (503 module_dormant), then everything awake
    for (const route of plainGets) await call('GET', route);
    await call('GET', '/api/map', {}, undefined, {}); // 401
    await call('POST', '/madre/power/window/open', {}, {}, { 'x-vx11-token': 'wrong' }); // 403
    await call('POST', '/madre/power/policy/:name/apply', { name: 'full' }, {});
    for (const route of plainGets) await call('GET', route);

    // madre: power, windows, health, maintenance
    await call('GET', '/madre/power/policy/:name/status', { name: 'full' });
    await call('GET', '/madre/power/policy/:name/status', { name: 'nope' }); // 404
    await call('POST', '/madre/power/policy/:name/apply', { name: 'solo_madre' }, {});
    await call('POST', '/madre/power/window/open', {}, { service: 'switch', ttl_sec: 0 }); // 400
    await call('POST', '/madre/power/window/open', {}, { service: 'madre', ttl_sec: 60 }); // 422
    await call('POST', '/madre/power/window/open', {}, { service: 'spawner', ttl_sec: 60 });
    await call('POST', '/madre/power/window/open', {}, { service: 'switch', ttl_sec: 60 }); // 409
    await call('GET', '/madre/power/state');
    await call('GET', '/madre/power/status');
    await call('GET', '/vx11/window/status/:target', { target: 'spawner' });
    await call('GET', '/vx11/window/status/:target', { target: 'nope' }); // 404
    await call('POST', '/madre/power/window/close', {}, {});
    await call('POST', '/madre/power/window/close', {}, {}); // 404
    await call('POST', '/vx11/window/open', {}, { target: 'hermes', ttl_seconds: 60 });
    await call('POST', '/vx11/window/close', {}, { target: 'spawner' }); // 404
    await call('POST', '/vx11/window/close', {}, {});
    await call('POST', '/operator/api/chat/window/open', {}, { ttl_sec: 60 });
    await call('GET', '/operator/api/chat/window/status');
    await call('POST', '/operator/api/chat/window/close', {}, {});
    await call('POST', '/madre/health/run', {}, {});
    await call('GET', '/madre/health/status');
    await call('GET', '/operator/api/health/history', {}, undefined);
    await call('POST', '/operator/api/incidents/:id/ack', { id: 'f'.repeat(24) }, {}); // 404
    await call('POST', '/operator/api/incidents/:id/ack', { id: 'nope' }, {}); // 400
    const run = await call('POST', '/madre/power/maintenance/post_task', {}, {});
    await call('POST', '/madre/power/maintenance/post_task', {}, {}); // reused
    await call('GET', '/madre/power/maintenance/jobs/:id', { id: run.body.job_id });
    await call('GET', '/madre/power/maintenance/jobs/:id', { id: 'nope' }); // 404

    // chat, switch, hermes (all awake)
    await call('POST', '/madre/power/policy/:name/apply', { name: 'full' }, {});
    const chat = await call('POST', '/operator/api/chat', {}, { message: 'status' });
    await call('POST', '/operator/chat', {}, { message: '' }); // 400
    await call('GET', '/operator/session/:id', { id: chat.body.session_id });
    await call('GET', '/operator/session/:id', { id: 'nope' }); // 404
    await call('POST', '/madre/chat', {}, { messages: [{ role: 'user', content: 'hi' }] });
    await call('POST', '/switch/chat', {}, { messages: [{ role: 'user', content: 'hi' }] });
    await call('POST', '/switch/chat', {}, { messages: [] }); // 400
    for (const action of ['get_mode', 'list_modes', 'set_mode']) {
      await call('POST', '/switch/control', {}, { action, mode: 'BALANCED' });
    }
    await call('POST', '/switch/control', {}, { action: 'set_mode' }); // 400
    const engine = {
      name: 'oa-engine',
      tier: 'switch',
      base_url: 'http://127.0.0.1:9/v1',
      model: 'm',
    };
    await call('POST', '/hermes/engines', {}, engine);
    await call('POST', '/hermes/engines', {}, engine); // 409
    await call('GET', '/hermes/engines');
    await call('POST', '/switch/hermes/select_engine', {}, { query: 'hello' });
    await call(
      'POST',
      '/switch/hermes/record_result',
      {},
      { engine: 'oa-engine', success: true, latency_ms: 40, tokens: 12 },
    );
    await call(
      'POST',
      '/switch/hermes/record_result',
      {},
      { engine: 'nope', success: false, latency_ms: 1 },
    ); // 404
    await call('GET', '/switch/hermes/status');
    await call('GET', '/switch/providers');
    await call('POST', '/hermes/discover', {}, {});
    await call('DELETE', '/hermes/engines/:name', { name: 'oa-engine' });
    await call('DELETE', '/hermes/engines/:name', { name: 'oa-engine' }); // 404

    // operator, events
    await call('POST', '/operator/capabilities', {}, {});
    await call('POST', '/operator/api/settings', {}, { theme: 'light' });
    await call('POST', '/operator/api/settings', {}, { theme: 'pink' }); // 400
    await call('POST', '/operator/api/events/sse-token', {}, {});
    await call('GET', '/operator/api/metrics', {}, undefined);
    await call('POST', '/events/ingest', {}, { type: 'oa.checked', payload: { n: 1 } });
    await call('POST', '/events/ingest', {}, { type: 'system.alert', payload: {} }); // 422
    await call('GET', '/operator/api/events');
    await call('GET', '/events/ledger/verify');

    // spawner
    const started = await call('POST', '/spawner/runs', {}, { program: 'echo', args: ['hi'] });
    await call('POST', '/spawner/runs', {}, { program: 'rm', args: ['-rf'] }); // 422
    await waitFor(
      async () =>
        (await t.http().get(`/spawner/runs/${started.body.run_id}`).set(t.auth)).body.finished_at,
    );
    await call('GET', '/spawner/runs/:id', { id: started.body.run_id });
    await call('POST', '/spawner/runs/:id/kill', { id: started.body.run_id }, {});
    await call('GET', '/spawner/runs/:id', { id: '00000000-0000-4000-8000-000000000000' }); // 404
    await call('GET', '/spawner/runs/:id', { id: 'nope' }); // 400
    await call('GET', '/spawner/runs');
    await call('POST', '/vx11/spawn', {}, { task_type: 'bash', code: 'echo hi' }); // 403

    // shub: a real WAV, analysed
    const wav = sineWav(0.5);
    const queued = await call('POST', '/shub/analyze', {}, wav, {
      ...t.auth,
      'content-type': 'audio/wav',
    });
    expect(queued.status).toBe(202);
    await waitFor(
      async () =>
        (await t.http().get(`/shub/jobs/${queued.body.job_id}`).set(t.auth)).body.status ===
        'completed',
      15000,
    );
    await call('GET', '/shub/jobs/:id', { id: queued.body.job_id });
    await call('POST', '/shub/jobs/:id/cancel', { id: queued.body.job_id }, {}); // 409
    await call('GET', '/shub/jobs/:id', { id: '00000000-0000-4000-8000-000000000000' }); // 404
    await call('POST', '/shub/analyze', {}, Buffer.from('not a wav at all, no'), {
      ...t.auth,
      'content-type': 'audio/wav',
    }); // 415
    await call('GET', '/shub/jobs');

    // incidents after all this (the monitor may have opened some)
    await call('GET', '/operator/api/incidents');
    await call('POST', '/madre/power/policy/:name/apply', { name: 'solo_madre' }, {});
    await call('GET', '/switch/providers'); // 503 again

    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual([200, 201, 202, 400, 401, 403, 404, 409, 415, 422, 426, 503]);
  });
});

describe('the /docs page in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    t = await bootApp();
    token = t.config.token!;
    origin = await listenOnLoopback(t.app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openDocs(setup?: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    if (setup) await page.addInitScript(setup);
    const { problems } = watchPage(page, origin);
    await page.goto(`${origin}/docs`);
    return { page, problems };
  }

  const operations = (page: Page) => page.locator('.opblock-summary');

  it('opens without a token and lists the operations once the operator authorizes', async () => {
    const { page, problems } = await openDocs();
    await page.locator('.info .title').filter({ hasText: 'VX11' }).waitFor({ timeout: UI_MS });
    expect(await operations(page).count()).toBe(0); // no document without the token
    await page.locator('.auth-wrapper button.authorize').click();
    const scheme = page.locator('.auth-container').filter({ hasText: 'X-VX11-Token' });
    await scheme.locator('input').fill(token);
    await scheme.locator('button.authorize').click();
    await page.locator('.auth-btn-wrapper button.btn-done').first().click();
    await page.locator('.opblock-tag-section').first().waitFor({ timeout: UI_MS });
    await page.locator('.opblock-tag', { hasText: 'madre' }).click();
    await page.locator('#operations-madre-openWindow').waitFor({ timeout: UI_MS });
    expect(await page.locator('.opblock-tag').count()).toBeGreaterThanOrEqual(8);
    // the token is kept where the console looks for it
    expect(await page.evaluate(`localStorage.getItem('${CONSOLE_TOKEN_KEY}')`)).toBe(token);
    await screenshot(page, 'docs-authorized');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('loads the API by itself with the token the console stored, and tries an operation', async () => {
    const { page, problems } = await openDocs(
      `localStorage.setItem('${CONSOLE_TOKEN_KEY}', ${JSON.stringify(token)})`,
    );
    await page.locator('.opblock-tag', { hasText: 'tentaculo_link' }).click({ timeout: UI_MS });
    const op = page.locator('#operations-tentaculo_link-getTopologyMap');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: UI_MS });
    expect(await status.innerText()).toContain('200');
    await screenshot(page, 'docs-try-it-out');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says so when the token is wrong', async () => {
    const { page } = await openDocs();
    await page.locator('.auth-wrapper button.authorize').click({ timeout: UI_MS });
    const scheme = page.locator('.auth-container').filter({ hasText: 'X-VX11-Token' });
    await scheme.locator('input').fill('not-the-token');
    await scheme.locator('button.authorize').click();
    await page.locator('.auth-btn-wrapper button.btn-done').first().click();
    await page
      .locator('.errors-wrapper')
      .filter({ hasText: 'forbidden' })
      .waitFor({ timeout: UI_MS });
    expect(await operations(page).count()).toBe(0);
    await page.context().close();
  });
});
