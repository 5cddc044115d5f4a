import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { EventBus, VxEvent } from '../src/core/events/event-bus.service';
import { configFileEnv, humanLogText } from './support/config-file';
import { ParsedResponse, rawExchange, RawConnection } from './support/raw-http';
import { bootApp, TestApp, waitFor } from './support/test-app';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The one error shape (CONTRACT §2), its correlation id also in the response header. */
function expectOneShape(res: ParsedResponse, status: number, error: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/json/),
  });
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({
    error,
    message: expect.any(String),
    status_code: status,
    correlation_id: expect.any(String),
  });
  expect(res.headers['x-correlation-id']).toBe(body.correlation_id);
}

/** A request line and headers, CRLF-terminated. */
function head(line: string, headers: Record<string, string | number> = {}): string {
  const all = { host: '127.0.0.1', connection: 'close', ...headers };
  return `${line}\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

const HEADERS_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1500;
const KEEPALIVE_TIMEOUT_MS = 500;
/** Generous bound for "closed within the configured timeout" (Node checks every ~150 ms). */
const CLOSE_DEADLINE_MS = 5000;

describe('HTTP edges: Fastify-level errors, timeouts, auth before the body', () => {
  let t: TestApp;
  let port: number;
  let cleanup: () => void;
  const token = () => t.config.token!;

  beforeAll(async () => {
    const cfg = configFileEnv({ events: { heartbeatSec: 1 } });
    cleanup = cfg.cleanup;
    t = await bootApp({
      ...cfg.env,
      VX11_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      VX11_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      VX11_KEEPALIVE_TIMEOUT_MS: String(KEEPALIVE_TIMEOUT_MS),
      VX11_AUTH_FAILURE_LIMIT: '5',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  describe('errors Fastify raises itself come in the one shape', () => {
    it('a path that is not valid percent-encoding: 400 bad_url, the given correlation id', async () => {
      const res = await rawExchange(
        port,
        head('GET /operator/session/%zz HTTP/1.1', {
          'x-vx11-token': token(),
          'x-correlation-id': 'bad-url-1',
        }),
      );
      expectOneShape(res, 400, 'bad_url');
      expect(JSON.parse(res.body).correlation_id).toBe('bad-url-1');
      expect(res.body).not.toContain('%zz');
    });

    it('a 101-character path parameter: 414 uri_too_long, without echoing the path', async () => {
      const param = 'p'.repeat(101);
      const res = await rawExchange(
        port,
        head(`GET /operator/session/${param} HTTP/1.1`, { 'x-vx11-token': token() }),
      );
      expectOneShape(res, 414, 'uri_too_long');
      expect(res.body).not.toContain(param.slice(0, 50));
    });

    it('headers larger than Node accepts: 431 headers_too_large', async () => {
      const res = await rawExchange(port, head(`GET /${'a'.repeat(20000)} HTTP/1.1`));
      expectOneShape(res, 431, 'headers_too_large');
      expect(JSON.parse(res.body).correlation_id).toMatch(UUID_V4);
    });

    it('an 8,000-character path: 404 whose message does not repeat the path', async () => {
      const path = `/${'b'.repeat(8000)}`;
      const res = await rawExchange(port, head(`GET ${path} HTTP/1.1`));
      expectOneShape(res, 404, 'not_found');
      expect(res.body.length).toBeLessThan(600);
    });

    it('a Content-Length that is not a number: 400 bad_content_length', async () => {
      const res = await rawExchange(
        port,
        head('POST /events/ingest HTTP/1.1', {
          'x-vx11-token': token(),
          'content-type': 'application/json',
          'content-length': 'abc',
        }),
      );
      expectOneShape(res, 400, 'bad_content_length');
    });

    it('two different Content-Length headers: 400 in the one shape', async () => {
      const res = await rawExchange(
        port,
        'POST /events/ingest HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
      );
      expectOneShape(res, 400, 'bad_content_length');
    });

    it('an HTTP/1.1 request without Host: 400 missing_host', async () => {
      const res = await rawExchange(port, 'GET /health HTTP/1.1\r\nconnection: close\r\n\r\n');
      expectOneShape(res, 400, 'missing_host');
    });

    it('bytes that are not HTTP: 400 in the one shape', async () => {
      expectOneShape(await rawExchange(port, 'HELLO THERE\r\n\r\n'), 400, 'bad_method');
      const badHeader = 'GET /health HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n';
      expectOneShape(await rawExchange(port, badHeader), 400, 'bad_request');
    });

    it('bad bytes after a request on the same connection: that request is answered first', async () => {
      const conn = await RawConnection.open(port);
      // e.g. a client sending a GET body without framing: the body parses as a next request
      conn.write(
        'GET /api/map HTTP/1.1\r\nhost: x\r\nx-vx11-token: ' +
          token() +
          '\r\n\r\n{"not":"a request"}\r\n\r\n',
      );
      const first = await conn.response();
      expect(first.status).toBe(200);
      expect(JSON.parse(first.body)).toHaveProperty('nodes');
      expectOneShape(await conn.response(), 400, 'bad_method');
      await conn.whenClosed(CLOSE_DEADLINE_MS);
    });

    it('slow headers: 408 request_timeout, then the connection is closed', async () => {
      const conn = await RawConnection.open(port);
      conn.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ');
      const res = await conn.response(CLOSE_DEADLINE_MS);
      expectOneShape(res, 408, 'request_timeout');
      await conn.whenClosed(CLOSE_DEADLINE_MS);
    });

    it('a wrong method on a known path: 405 with Allow, not 404', async () => {
      const res = await rawExchange(port, head('DELETE /health HTTP/1.1'));
      expectOneShape(res, 405, 'method_not_allowed');
      expect(res.headers.allow).toBe('GET, HEAD');
      const post = await rawExchange(
        port,
        head('POST /operator/session/abc HTTP/1.1', { 'content-length': 0 }),
      );
      expectOneShape(post, 405, 'method_not_allowed');
      expect(post.headers.allow).toBe('GET, HEAD');
      const put = await t.http().put('/hermes/engines/some-engine').set(t.auth);
      expect({ status: put.status, allow: put.headers.allow }).toEqual({
        status: 405,
        allow: 'DELETE',
      });
    });

    it('a 404 never repeats the query string', async () => {
      const res = await rawExchange(
        port,
        head('GET /no/such/route?token=hunter2-secret&x=1 HTTP/1.1'),
      );
      expectOneShape(res, 404, 'not_found');
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('?');
    });
  });

  describe('the token is checked on the matched route, before the body is read', () => {
    it('answers /%64ocs-json (the router decodes it to /docs-json) with 401', async () => {
      for (const path of ['/%64ocs-json', '/docs%2Djson', '/%64%6Fcs-json']) {
        const res = await rawExchange(port, head(`GET ${path} HTTP/1.1`));
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
        expectOneShape(res, 401, 'auth_required');
      }
      const ok = await rawExchange(
        port,
        head('GET /%64ocs-json HTTP/1.1', { 'x-vx11-token': token() }),
      );
      expect(ok.status).toBe(200);
    });

    it('answers 401 to a 2 MB body without a token, before reading it (not 413)', async () => {
      const conn = await RawConnection.open(port);
      conn.write(
        head('POST /events/ingest HTTP/1.1', {
          'content-type': 'application/json',
          'content-length': 2_000_000,
        }),
      );
      conn.write('{"type":"x","payload":{"pad":"');
      const res = await conn.response();
      expectOneShape(res, 401, 'auth_required');
      conn.destroy();
    });

    it('answers 401 to a request whose body never comes, without waiting for it', async () => {
      const conn = await RawConnection.open(port);
      conn.write(
        head('POST /madre/power/window/open HTTP/1.1', {
          'content-type': 'application/json',
          'content-length': 512,
          connection: 'keep-alive',
        }),
      );
      // well inside the request timeout: the answer does not wait for the body
      const res = await conn.response(REQUEST_TIMEOUT_MS / 2);
      expectOneShape(res, 401, 'auth_required');
      expect(res.headers.connection).toBe('close');
      await conn.whenClosed(CLOSE_DEADLINE_MS);
    });

    it('keeps the console files public and serves them', async () => {
      const index = await rawExchange(port, head('GET /operator/ui/ HTTP/1.1'));
      expect(index.status).toBe(200);
      expect(index.headers['content-type']).toMatch(/text\/html/);
      const redirect = await rawExchange(port, head('GET /operator HTTP/1.1'));
      expect(redirect.status).toBe(302);
    });
  });

  describe('timeouts close idle and slow connections', () => {
    it('closes a connection that never sends a byte', async () => {
      const conn = await RawConnection.open(port);
      await conn.whenClosed(CLOSE_DEADLINE_MS);
    });

    it('closes an idle keep-alive connection after its timeout', async () => {
      const conn = await RawConnection.open(port);
      conn.write(head('GET /health HTTP/1.1', { connection: 'keep-alive' }));
      expect((await conn.response()).status).toBe(200);
      await conn.whenClosed(CLOSE_DEADLINE_MS);
    });

    it('answers 408 to a body trickled one byte at a time and closes the connection', async () => {
      const conn = await RawConnection.open(port);
      conn.write(
        head('POST /events/ingest HTTP/1.1', {
          'x-vx11-token': token(),
          'content-type': 'application/json',
          'content-length': 10_000,
        }),
      );
      const trickle = setInterval(() => conn.write('x'), 50);
      try {
        const res = await conn.response(CLOSE_DEADLINE_MS);
        expectOneShape(res, 408, 'request_timeout');
        await conn.whenClosed(CLOSE_DEADLINE_MS);
      } finally {
        clearInterval(trickle);
      }
    });

    it('leaves an SSE stream open past every timeout (heartbeats keep coming)', async () => {
      const received = { beats: 0 };
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: '/operator/api/events',
        headers: { accept: 'text/event-stream', 'x-vx11-token': token() },
      });
      const closed = { value: false };
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.beats += (chunk.match(/^: heartbeat/gm) ?? []).length;
        });
        res.on('close', () => (closed.value = true));
      });
      req.on('error', () => (closed.value = true));
      req.end();
      try {
        // heartbeats every 1 s: three of them outlast the request and keep-alive timeouts
        await waitFor(() => received.beats >= 3, 10000);
        expect(closed.value).toBe(false);
      } finally {
        req.destroy();
      }
    });

    it('leaves a WebSocket open past every timeout (protocol pings keep coming)', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
        headers: { 'x-vx11-token': token() },
      });
      let pings = 0;
      let closed = false;
      ws.on('ping', () => (pings += 1));
      ws.on('close', () => (closed = true));
      ws.on('error', () => (closed = true));
      try {
        await waitFor(() => pings >= 3, 10000);
        expect(closed).toBe(false);
      } finally {
        ws.terminate();
      }
    });
  });

  describe('failed-auth limiting per client address', () => {
    /** A request from a chosen loopback source address (the limiter keys on it). */
    const from = (address: string, headers: Record<string, string>) =>
      rawExchange(port, head('GET /api/map HTTP/1.1', headers), { localAddress: address });

    it('refuses an address after the limit with 429 and Retry-After, even with the right token, and alerts', async () => {
      const alerts: VxEvent[] = [];
      const unsubscribe = t
        .get(EventBus)
        .subscribe((e) => void (e.type === 'system.alert' && alerts.push(e)));
      try {
        const attacker = '127.0.0.7';
        for (let i = 0; i < 5; i++) {
          const res = await from(attacker, { 'x-vx11-token': `wrong-token-${i}-wrong-token` });
          expect({ attempt: i, status: res.status }).toEqual({ attempt: i, status: 403 });
        }
        const refused = await from(attacker, { 'x-vx11-token': `wrong-token-x-wrong-token` });
        expectOneShape(refused, 429, 'too_many_auth_failures');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(JSON.parse(refused.body).retry_after).toBe(Number(refused.headers['retry-after']));
        // a right guess is not told apart from a wrong one while the address is refused
        const right = await from(attacker, { 'x-vx11-token': token() });
        expect(right.status).toBe(429);
        // other addresses and the public routes are unaffected
        expect((await from('127.0.0.8', { 'x-vx11-token': token() })).status).toBe(200);
        const health = await rawExchange(port, head('GET /health HTTP/1.1'), {
          localAddress: attacker,
        });
        expect(health.status).toBe(200);

        expect(alerts).toHaveLength(1);
        expect(alerts[0].payload).toMatchObject({
          severity: 'warning',
          client_address: attacker,
          message: expect.stringContaining('5 wrong tokens'),
        });
        await waitFor(() => humanLogText(t.config, 'alerts').includes(attacker));
        expect(humanLogText(t.config, 'alerts')).toMatch(
          /\] ALERT: auth: 5 wrong tokens from 127\.0\.0\.7/,
        );
      } finally {
        unsubscribe();
      }
    });

    it('counts wrong tokens on the WebSocket upgrade too', async () => {
      const upgrade = (t: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${t}`, {
            localAddress: '127.0.0.10',
          });
          ws.on('unexpected-response', (_req, res) => {
            resolve(res.statusCode ?? 0);
            ws.terminate();
          });
          ws.on('open', () => {
            resolve(101);
            ws.terminate();
          });
          ws.on('error', () => undefined);
        });
      for (let i = 0; i < 5; i++) expect(await upgrade(`wrong-token-${i}-wrong-token`)).toBe(403);
      expect(await upgrade(token())).toBe(429);
      const http = await from('127.0.0.10', { 'x-vx11-token': token() });
      expectOneShape(http, 429, 'too_many_auth_failures');
    });

    it('does not count requests without a token (401) as failures', async () => {
      for (let i = 0; i < 8; i++) {
        expect((await from('127.0.0.9', {})).status).toBe(401);
      }
      expect((await from('127.0.0.9', { 'x-vx11-token': token() })).status).toBe(200);
    });
  });
});
