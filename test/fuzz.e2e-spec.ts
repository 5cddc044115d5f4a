import { Agent, request } from 'node:http';
import { RouteInfo, RouteTable } from '../src/core/http/route-table';
import { configFileEnv } from './support/config-file';
import { rawExchange } from './support/raw-http';
import { bootApp, TestApp } from './support/test-app';

/**
 * Seeded fuzzing of every route in the live route table: random methods, paths, parameters,
 * queries, headers, content types and bodies, with and without the token, plus malformed HTTP
 * on raw sockets. Nothing may answer 5xx (but 503 module_dormant, which is the contract), every
 * error must be in the one shape, and the process must still serve afterwards.
 * VX11_FUZZ_SEED=<n> replays another sequence.
 */
const SEED = Number(process.env.VX11_FUZZ_SEED ?? 0x5eed11);
const REQUESTS = 3000;
const CONCURRENCY = 8;
/** The run stops issuing requests after this, however many are left (slow machines). */
const TIME_BUDGET_MS = 25_000;
const REQUEST_TIMEOUT_MS = 10_000;
const ALLOWED_5XX = new Set(['503 module_dormant']);

/** mulberry32: small, fast, good enough to make a reproducible sequence. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const FIELD_NAMES = [
  'message',
  'session_id',
  'service',
  'services',
  'ttl_sec',
  'mode',
  'reason',
  'window_id',
  'target',
  'ttl_seconds',
  'type',
  'payload',
  'severity',
  'source',
  'correlation_id',
  'name',
  'base_url',
  'model',
  'tier',
  'api_key_env',
  'action',
  'query',
  'engine',
  'success',
  'latency_ms',
  'tokens',
  'apply_retention',
  'intent_type',
  'text',
  'limit',
  'before',
  'theme',
  'messages',
  'role',
  'content',
  'provider_hint',
  'metadata',
  'program',
  'argv',
  'env',
  'code',
  '__proto__',
  'constructor',
  'prototype',
  '',
] as const;
const WORDS = [
  'switch',
  'hermes',
  'spawner',
  'madre',
  'operator',
  'hormiguero',
  'mcp',
  'solo_madre',
  'ttl',
  'hold',
  'ECO',
  'CRITICAL',
  'user',
  'system.alert',
  'chat.completed',
  'http://127.0.0.1:1',
  'VX11_TOKEN',
  'echo',
  'status',
  'help',
  '*',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  '..',
] as const;
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e',
  '😀'.repeat(40),
  '%',
  '%zz',
  '%00',
  '../../etc/passwd',
  '..%2F..',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  'a'.repeat(5000),
  '\r\nX: y',
  '{"a":',
  '[]',
  'NaN',
  '9'.repeat(400),
  '\\',
  '/',
  '?',
  '#',
  '&',
  '=',
] as const;

function randomString(r: Rng): string {
  if (r.chance(0.4)) return r.pick(WORDS);
  if (r.chance(0.5)) return r.pick(ODD_STRINGS);
  const len = r.pick([1, 4, 16, 64, 129, 300]);
  let s = '';
  for (let i = 0; i < len; i++)
    s += String.fromCharCode(r.chance(0.9) ? 32 + r.int(95) : r.int(0xd7ff));
  return s;
}

function randomValue(r: Rng, depth = 0): unknown {
  const kinds = depth > 4 ? 5 : 8;
  switch (r.int(kinds)) {
    case 0:
      return randomString(r);
    case 1:
      return r.pick([0, 1, -1, 3.5, 1e308, -1e308, 2 ** 53 + 1, 3600, 86400 * 365, 8]);
    case 2:
      return r.chance(0.5);
    case 3:
      return null;
    case 4:
      return r.int(1000);
    case 5:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default:
      return randomObject(r, depth + 1);
  }
}

function randomObject(r: Rng, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = r.int(5); i > 0; i--)
    out[r.chance(0.85) ? r.pick(FIELD_NAMES) : randomString(r)] = randomValue(r, depth);
  return out;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'audio/wav',
  'application/json; charset=latin1',
  'garbage',
  ';;;',
  'APPLICATION/JSON',
] as const;

function randomBody(r: Rng): { body?: Buffer; contentType?: string } {
  const contentType = r.chance(0.8)
    ? r.chance(0.6)
      ? 'application/json'
      : r.pick(CONTENT_TYPES)
    : undefined;
  switch (r.int(10)) {
    case 0:
      return { contentType };
    case 1:
      return {
        body: Buffer.from(
          r.pick(['{"a":', '{a:1}', 'null', '[', '"x"', '{"__proto__":{"x":1}}', '1']),
        ),
        contentType,
      };
    case 2:
      return {
        body: Buffer.from(Array.from({ length: r.int(300) }, () => r.int(256))),
        contentType,
      };
    case 3:
      return { body: Buffer.from(`{"x":${'['.repeat(500)}${']'.repeat(500)}}`), contentType };
    case 4:
      return { body: Buffer.from(JSON.stringify(randomValue(r))), contentType };
    default:
      return { body: Buffer.from(JSON.stringify(randomObject(r))), contentType };
  }
}

/** The parts of an OpenAPI schema the generator follows. */
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
}
type Schemas = Record<string, Schema>;

/** No request the fuzzer provokes may leave the machine: every URL points at a closed port. */
const LOCAL_URL = 'http://127.0.0.1:9/v1';

/**
 * A value shaped like the schema (its examples, enums and types), sometimes bent: near-valid
 * input reaches the services' own rules, not just validation.
 */
function fromSchema(r: Rng, schema: Schema, schemas: Schemas, depth = 0): unknown {
  if (schema.$ref)
    return fromSchema(r, schemas[schema.$ref.split('/').pop()!] ?? {}, schemas, depth);
  if (r.chance(0.08) || depth > 4) return randomValue(r, 3);
  if (schema.enum && r.chance(0.8)) return r.pick(schema.enum);
  if (schema.example !== undefined && r.chance(0.5)) {
    return typeof schema.example === 'string' && /^https?:/.test(schema.example)
      ? LOCAL_URL
      : schema.example;
  }
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (r.chance(0.7)) out[key] = fromSchema(r, prop, schemas, depth + 1);
      }
      if (r.chance(0.05)) out[r.pick(FIELD_NAMES)] = randomValue(r, 3);
      return out;
    }
    case 'array':
      return Array.from({ length: r.int(4) }, () =>
        fromSchema(r, schema.items ?? {}, schemas, depth + 1),
      );
    case 'number':
    case 'integer':
      return r.pick([0, 1, 5, 30, 300, 3600, 3601, -1, 1.5, 1e9]);
    case 'boolean':
      return r.chance(0.5);
    case 'string':
      return r.chance(0.6) ? r.pick(WORDS) : randomString(r).slice(0, 80);
    default:
      return randomValue(r, 3);
  }
}

/** The request-body schema of each documented route, keyed `METHOD /path/:param`. */
function bodySchemas(doc: {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
}) {
  const out = new Map<string, Schema>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema) out.set(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, schema);
    }
  }
  return out;
}

function encodeSome(r: Rng, s: string): string {
  const encoded = encodeURIComponent(s);
  if (r.chance(0.1)) return encoded.replace(/%/g, r.pick(['%', '%%', '%z']));
  return encoded;
}

function randomPath(r: Rng, route: RouteInfo): string {
  let path = route.url
    .replace(/:[A-Za-z_]+/g, () =>
      encodeSome(
        r,
        r.chance(0.3) ? r.pick(WORDS) : randomString(r).slice(0, r.chance(0.9) ? 60 : 200),
      ),
    )
    .replace(/\*$/, () => r.pick(['', 'index.html', 'app.js', '..%2F..%2Fpackage.json', 'x/y/z']));
  if (r.chance(0.05)) path += '/';
  if (r.chance(0.05)) path += `/${encodeSome(r, randomString(r).slice(0, 30))}`;
  if (r.chance(0.04)) path = path.replace('/', '//');
  if (r.chance(0.04)) path = path.toUpperCase();
  if (r.chance(0.4)) {
    const pairs = Array.from({ length: 1 + r.int(4) }, () => {
      const key = r.pick([
        'limit',
        'before',
        'type',
        'severity',
        'name',
        'window_seconds',
        'module',
        'token',
        'types',
        r.pick(FIELD_NAMES),
      ]);
      return `${encodeSome(r, key)}=${encodeSome(r, String(randomValue(r, 5)))}`;
    });
    path += `?${pairs.join('&')}`;
  }
  return path;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'SEARCH'];

interface Sample {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function randomRequest(
  r: Rng,
  route: RouteInfo,
  token: string,
  schema: Schema | undefined,
  schemas: Schemas,
): Sample {
  const method = r.chance(0.85) ? route.method : r.pick(METHODS);
  const headers: Record<string, string> = {};
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
    case 3:
      headers['x-vx11-token'] = token;
      break;
    case 4:
    case 5:
      headers.authorization = `${r.pick(['Bearer', 'bearer', 'BEARER', 'Basic', 'Token'])} ${token}`;
      break;
    case 6:
      headers['x-vx11-token'] = r.pick([
        'wrong-token-wrong-token',
        token.slice(0, -1),
        `${token}x`,
        ' ',
      ]);
      break;
    default:
      break;
  }
  if (r.chance(0.3))
    headers['x-correlation-id'] = r.chance(0.5)
      ? `fuzz-${r.int(1e9)}`
      : randomString(r).replace(/[^\x20-\x7e]/g, '');
  if (r.chance(0.1))
    headers.accept = r.pick(['text/event-stream', '*/*', 'application/xml', 'text/html']);
  if (r.chance(0.05)) headers['last-event-id'] = randomString(r).replace(/[^\x20-\x7e]/g, '');
  const withBody = method !== 'GET' && method !== 'HEAD' ? r.chance(0.9) : r.chance(0.05);
  if (!withBody) return { method, path: randomPath(r, route), headers };
  const { body, contentType } =
    schema && method === route.method && r.chance(0.5)
      ? {
          body: Buffer.from(JSON.stringify(fromSchema(r, schema, schemas))),
          contentType: r.chance(0.95) ? 'application/json' : r.pick(CONTENT_TYPES),
        }
      : randomBody(r);
  if (contentType) headers['content-type'] = contentType;
  // framed even on GET/DELETE (Node would send such a body unframed): bad framing is the raw
  // samples' job
  headers['content-length'] = String(body?.length ?? 0);
  return { method, path: randomPath(r, route), headers, body };
}

/** Raw bytes no well-behaved client sends: each must still get a one-shape 4xx. */
function malformed(r: Rng, token: string): string {
  const target = r.pick([
    '/health',
    '/api/map',
    '/operator/api/chat',
    '/events/ingest',
    '/docs-json',
  ]);
  return r.pick([
    `${r.pick(['G E T', 'GET\u0000', 'BREW', '\u0016\u0003\u0001'])} ${target} HTTP/1.1\r\nhost: x\r\n\r\n`,
    `GET ${target} HTTP/1.1\r\nhost: x\r\nx-vx11-token: ${token}\r\nbad header\r\n\r\n`,
    `POST ${target} HTTP/1.1\r\nhost: x\r\ncontent-length: ${r.pick(['-1', 'abc', '1, 2', '99999999999999999999'])}\r\n\r\n`,
    `POST ${target} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: ${r.pick(['chunked, gzip', 'rot13', 'chunked'])}\r\n\r\nzz\r\n`,
    `GET ${target} HTTP/1.1\r\nhost: x\r\nx-long: ${'a'.repeat(20000)}\r\n\r\n`,
    `GET ${target}${'%zz'.repeat(r.int(3) + 1)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    `GET /operator/session/${'x'.repeat(150)} HTTP/1.1\r\nhost: x\r\nx-vx11-token: ${token}\r\n\r\n`,
    `GET ${target} HTTP/1.1\r\n\r\n`,
    `GET ${target} HTTP/7.1\r\nhost: x\r\n\r\n`,
  ]);
}

interface Verdict {
  request: string;
  status: number | string;
  body?: string;
  why: string;
}

/** OpenAI's error shape, which the OpenAI-compatible API (/v1) answers so SDKs raise their classes. */
function openAiShape(body: Record<string, unknown> | undefined): boolean {
  const error = body?.error as Record<string, unknown> | null | undefined;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    typeof error.code === 'string'
  );
}

/** What is wrong with one answer, if anything. */
function judge(
  sample: string,
  status: number,
  type: string | undefined,
  text: string,
  head: boolean,
): Verdict | undefined {
  let body: Record<string, unknown> | undefined;
  if (type?.startsWith('application/json') && text.length > 0) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {
        request: sample,
        status,
        body: text.slice(0, 300),
        why: 'JSON content type, body not JSON',
      };
    }
  }
  if (status >= 500 && !ALLOWED_5XX.has(`${status} ${body?.error}`)) {
    return { request: sample, status, body: text.slice(0, 300), why: '5xx' };
  }
  if (status >= 400 && !head) {
    const oneShape =
      (/^[A-Z]+ \/v1(\/|\?| |$)/.test(sample) && openAiShape(body)) ||
      (body !== undefined &&
        typeof body.error === 'string' &&
        typeof body.message === 'string' &&
        body.status_code === status &&
        typeof body.correlation_id === 'string' &&
        body.correlation_id.length > 0);
    if (!oneShape)
      return {
        request: sample,
        status,
        body: text.slice(0, 300),
        why: 'error outside the one shape',
      };
  }
  return undefined;
}

function send(
  port: number,
  agent: Agent,
  s: Sample,
): Promise<{ status: number; type?: string; text: string; stream: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: s.method,
        path: s.path,
        headers: s.headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const type = res.headers['content-type'];
        if (type?.startsWith('text/event-stream')) {
          // a live feed: it answers and stays open; that it opened is all we check
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, type, text: '', stream: true });
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type, text, stream: false }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(s.body);
  });
}

describe(`fuzzing every route (seed ${SEED})`, () => {
  let t: TestApp;
  let port: number;
  let cleanup: () => void;

  beforeAll(async () => {
    // A maintenance run the fuzzer triggers is answered 202 at once instead of awaited.
    const cfg = configFileEnv({ maintenance: { waitMs: 200 } });
    cleanup = cfg.cleanup;
    // Wrong tokens are part of the input; the failed-auth limiter has its own spec.
    t = await bootApp({ ...cfg.env, VX11_AUTH_FAILURE_LIMIT: '1000000' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('answers thousands of random requests without a 5xx, always in the one error shape, and keeps serving', async () => {
    const routes = t.get(RouteTable).list();
    expect(routes.length).toBeGreaterThan(30);
    const token = t.config.token!;
    const doc = (await t.http().get('/docs-json').set(t.auth).expect(200)).body;
    const schemas = (doc.components?.schemas ?? {}) as Schemas;
    const bodies = bodySchemas(doc);
    const r = prng(SEED);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: Verdict[] = [];
    const statuses = new Map<number, number>();
    const deadline = Date.now() + TIME_BUDGET_MS;
    let issued = 0;
    let done = 0;

    // The samples are drawn up front, so a seed always means the same requests.
    const samples = Array.from({ length: REQUESTS }, (_, i) => {
      if (r.chance(0.04)) return { raw: malformed(r, token) };
      // every route at least once, then at random
      const route = i < routes.length ? routes[i] : r.pick(routes);
      const schema = bodies.get(`${route.method} ${route.url}`);
      return { sample: randomRequest(r, route, token, schema, schemas) };
    });

    const worker = async (until: number) => {
      while (issued < until && Date.now() < deadline) {
        const next = samples[issued++];
        if ('raw' in next) {
          const label = `raw ${JSON.stringify(next.raw!.slice(0, 120))}`;
          try {
            const res = await rawExchange(port, next.raw!, { timeoutMs: REQUEST_TIMEOUT_MS });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const v = judge(label, res.status, res.headers['content-type'], res.body, false);
            if (v) failures.push(v);
          } catch (err) {
            failures.push({ request: label, status: 'no answer', why: (err as Error).message });
          }
        } else {
          const s = next.sample!;
          const label = `${s.method} ${s.path.slice(0, 200)} ${JSON.stringify(s.headers).slice(0, 200)} ${s.body?.toString('utf8').slice(0, 120) ?? ''}`;
          try {
            let res = await send(port, agent, s);
            // a HEAD answer has no body to tell a contract 503 by: ask its GET twin
            if (s.method === 'HEAD' && res.status === 503)
              res = await send(port, agent, { ...s, method: 'GET' });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const v = judge(
              label,
              res.status,
              res.type,
              res.text,
              s.method === 'HEAD' && res.status !== 503,
            );
            if (v) failures.push(v);
          } catch (err) {
            failures.push({ request: label, status: 'no answer', why: (err as Error).message });
          }
        }
        done += 1;
      }
    };
    try {
      // first half with the optional modules dormant (the default), second half all awake
      const half = Math.floor(samples.length / 2);
      await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(half)));
      await t.http().post('/madre/power/policy/full/apply').set(t.auth).expect(200);
      await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(samples.length)));
    } finally {
      agent.destroy();
    }

    expect(failures.slice(0, 20)).toEqual([]);
    // bounded in time, but not so short that it proves nothing
    expect(done).toBeGreaterThanOrEqual(Math.min(REQUESTS, 500));
    expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);

    // still alive and serving
    await t.http().get('/health').expect(200);
    await t.http().get('/api/map').set(t.auth).expect(200);
  });
});
