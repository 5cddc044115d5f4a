import { RouteTable } from '../src/core/http/route-table';
import { bootApp, TestApp } from './support/test-app';

/** The contract's error shape (CONTRACT §2). */
const errorShape = (status: number, correlationId: string) => ({
  error: expect.any(String),
  message: expect.any(String),
  status_code: status,
  correlation_id: correlationId,
});

describe('request body errors', () => {
  let t: TestApp;
  let route: string;

  beforeAll(async () => {
    t = await bootApp({ VX11_BODY_LIMIT: '2048' });
    // A real POST route when one exists (madre's window/open preferred). Fastify parses the
    // body of every POST before routing answers, so GET-only /api/map exercises the same path.
    const posts = t
      .get(RouteTable)
      .list()
      .filter((r) => r.method === 'POST' && !r.url.includes(':') && !r.url.includes('*'))
      .map((r) => r.url);
    route = posts.includes('/madre/power/window/open')
      ? '/madre/power/window/open'
      : (posts[0] ?? '/api/map');
  });
  afterAll(() => t.close());

  it('answers a body above VX11_BODY_LIMIT with 413 payload_too_large in the error shape', async () => {
    const body = JSON.stringify({ reason: 'x'.repeat(4096) });
    const res = await t
      .http()
      .post(route)
      .set(t.auth)
      .set('x-correlation-id', 'too-big-1')
      .set('content-type', 'application/json')
      .send(body);
    expect({ route, status: res.status }).toEqual({ route, status: 413 });
    expect(res.body).toEqual({ ...errorShape(413, 'too-big-1'), error: 'payload_too_large' });
    expect(res.headers['x-correlation-id']).toBe('too-big-1');
  });

  it('lets a body under the limit through to the route', async () => {
    const res = await t
      .http()
      .post(route)
      .set(t.auth)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ reason: 'x'.repeat(1500) }));
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  it('answers malformed JSON with 400 in the error shape', async () => {
    for (const bad of ['{"reason":', '{reason: 1}', 'not json at all', '{"a":1}}']) {
      const res = await t
        .http()
        .post(route)
        .set(t.auth)
        .set('x-correlation-id', 'bad-json')
        .set('content-type', 'application/json')
        .send(bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(res.body).toEqual(errorShape(400, 'bad-json'));
      // Nest re-wraps Fastify's FST_ERR_CTP_INVALID_JSON_BODY as a plain 400 (see report)
      expect(['invalid_json', 'bad_request']).toContain(res.body.error);
      expect(res.body.message).toMatch(/JSON/);
    }
  });

  it('answers an empty body declared as JSON with 400 in the error shape', async () => {
    const res = await t
      .http()
      .post(route)
      .set(t.auth)
      .set('x-correlation-id', 'empty-json')
      .set('content-type', 'application/json')
      .send('');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorShape(400, 'empty-json'));
    expect(['invalid_json', 'bad_request']).toContain(res.body.error);
  });
});

describe('absurdly nested bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('answers 400 on any DTO route instead of overflowing the stack', async () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    for (const path of [
      '/madre/power/window/open',
      '/operator/api/settings',
      '/operator/api/chat',
    ]) {
      const res = await t
        .http()
        .post(path)
        .set(t.auth)
        .set('content-type', 'application/json')
        .send(`{"x":${deep}}`);
      expect({ path, status: res.status, error: res.body.error }).toEqual({
        path,
        status: 400,
        error: 'body_too_deep',
      });
    }
  });
});
