import Database from 'better-sqlite3';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_FILE_NAME } from '../src/core/auth/token-file';
import { databasePath } from '../src/core/database/data-source-options';
import {
  assertBuilt,
  ChildApp,
  ChildExit,
  childEnv,
  deleteQueueKeys,
  MAIN_JS,
  NODE_FLAGS,
  spawnApp,
  spawnNode,
} from './support/child-app';
import { rawGet, slowRequest } from './support/raw-http';
import { freePort } from './support/redis-harness';
import { bootApp, TestApp, waitFor } from './support/test-app';

const TOKEN = 'process-test-token-0123456789abcdef';

/** Fails with the child's output when it did not exit with code 0 after a clean shutdown. */
function expectCleanExit(app: ChildApp, exit: ChildExit): void {
  const cleanly = exit.code === 0 && exit.signal === null;
  const failedShutdown = /Shutdown (failed|exceeded)/.test(app.stderr());
  if (!cleanly || failedShutdown) {
    throw new Error(
      `VX11 did not shut down cleanly: ${JSON.stringify(exit)}\nstderr:\n${app.stderr()}\n` +
        `stdout (last lines):\n${app.stdout().split('\n').slice(-20).join('\n')}`,
    );
  }
}

/** Stops the child with SIGTERM and expects a clean exit. */
async function expectCleanStop(app: ChildApp): Promise<void> {
  expectCleanExit(app, await app.stop());
}

/** CONTRACT §2 error shape, for a response whose body is JSON. */
function expectErrorShape(status: number, text: string): void {
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toMatchObject({
    error: expect.any(String),
    message: expect.any(String),
    status_code: status,
    correlation_id: expect.any(String),
  });
}

describe('the built process (node dist/src/main.js)', () => {
  beforeAll(assertBuilt); // fails with "run `npm run build`" when dist/ is missing
  const dirs: string[] = [];
  const children: ChildApp[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-proc-'));
    dirs.push(dir);
    return dir;
  };
  const start = (env: NodeJS.ProcessEnv) => {
    const app = spawnApp(env);
    children.push(app);
    return app;
  };

  afterEach(async () => {
    // never leave a child behind, whatever the test did
    const stopped = children.splice(0);
    await Promise.all(stopped.map((c) => c.stop(2000)));
    for (const { env } of stopped) {
      if (env.REDIS_URL && env.VX11_QUEUE_PREFIX) {
        await deleteQueueKeys(env.REDIS_URL, env.VX11_QUEUE_PREFIX);
      }
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('refuses an invalid environment', () => {
    it.each([
      ['VX11_PORT=abc', { VX11_PORT: 'abc' }, 'VX11_PORT'],
      [
        'VX11_AUTH_MODE=off on 0.0.0.0',
        { VX11_AUTH_MODE: 'off', VX11_HOST: '0.0.0.0' },
        'VX11_AUTH_MODE',
      ],
    ])('%s: exits non-zero naming the variable', async (_label, overrides, variable) => {
      const app = start(childEnv(tempDir(), { VX11_TOKEN: TOKEN, ...overrides }));
      const exit = await app.exited;
      expect(exit.signal).toBeNull();
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(app.stderr()).toContain(variable);
      expect(app.stderr()).toMatch(/Invalid configuration/);
      expect(app.stderr()).not.toContain('VX11 listening');
    });
  });

  it('generates a 0600 token file on first start, never logs the token, and reuses it', async () => {
    const dir = tempDir();
    // info level: request logs reach stdout, so a leak would show
    const env = childEnv(dir, { VX11_LOG_LEVEL: 'info' });
    expect(env.VX11_TOKEN).toBeUndefined();
    const tokenPath = join(dir, 'data', TOKEN_FILE_NAME);

    const first = start(env);
    const port = await first.waitForListening();
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenPath, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(first.stderr()).toContain(`Generated a new token; it is in ${tokenPath}`);

    const map = await rawGet(port, '/api/map', { 'x-vx11-token': token });
    expect(map.status).toBe(200);
    expect(JSON.parse(map.text).nodes).toHaveLength(10);
    expect((await rawGet(port, '/api/map', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await rawGet(port, '/api/map')).status).toBe(401);
    expect((await rawGet(port, '/api/map', { 'x-vx11-token': `${token}x` })).status).toBe(403);
    await expectCleanStop(first);

    const second = start(env);
    const port2 = await second.waitForListening();
    expect(second.stderr()).toContain(`Token is in ${tokenPath}`);
    expect(second.stderr()).not.toContain('Generated a new token');
    expect(readFileSync(tokenPath, 'utf8').trim()).toBe(token);
    expect((await rawGet(port2, '/api/map', { 'x-vx11-token': token })).status).toBe(200);
    await expectCleanStop(second);

    for (const run of [first, second]) {
      // the requests carrying the token were logged (request lines carry no headers)
      expect(run.stdout()).toContain('"url":"/api/map"');
      expect(run.stdout()).not.toContain(token);
      expect(run.stderr()).not.toContain(token);
    }
  });

  it('on SIGTERM finishes in-flight requests, exits 0 and leaves an intact database', async () => {
    const dir = tempDir();
    const app = start(childEnv(dir, { VX11_TOKEN: TOKEN }));
    const port = await app.waitForListening();
    const auth = { 'x-vx11-token': TOKEN };

    // A real POST route if one exists (madre's window/open is preferred); Fastify reads the
    // body of any POST before answering, so /api/map (GET-only) also holds the request open.
    const docs = JSON.parse((await rawGet(port, '/docs-json', auth)).text) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const postRoutes = Object.entries(docs.paths)
      .filter(([path, ops]) => 'post' in ops && !path.includes('{'))
      .map(([path]) => path);
    const route = postRoutes.includes('/madre/power/window/open')
      ? '/madre/power/window/open'
      : (postRoutes[0] ?? '/api/map');

    // keep-alive traffic before the signal
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => rawGet(port, '/vx11/status', {}, agent)),
    );
    expect(statuses.map((r) => r.status)).toEqual(Array(8).fill(200));

    // Requests the server has accepted but whose body is still arriving.
    const body = '{"reason":"sigterm"}';
    expect(Buffer.byteLength(body)).toBe(20);
    const slow = Array.from({ length: 3 }, () => slowRequest(port, 'POST', route, body, 10, auth));
    await Promise.all(slow.map((s) => s.accepted));

    app.child.kill('SIGTERM');
    await app.waitForStderr(/Received SIGTERM/);
    expect({ route, responded: slow.map((s) => s.responded()) }).toEqual({
      route,
      responded: [false, false, false],
    });
    expect(app.hasExited()).toBe(false);

    for (const s of slow) s.finish();
    const answers = await Promise.all(slow.map((s) => s.response));
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
      if (answer.status >= 400) expectErrorShape(answer.status, answer.text);
      else JSON.parse(answer.text);
    }
    agent.destroy();

    expectCleanExit(app, await app.exited);

    const db = new Database(databasePath(join(dir, 'data')));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const tables = db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")
        .get() as { n: number };
      expect(tables.n).toBeGreaterThan(1);
    } finally {
      db.close();
    }
  });

  it('keeps serving after a promise rejection nobody handled: logged with its stack and counted', async () => {
    const dir = tempDir();
    // Preloaded into the real process: once VX11 listens for them, one stray rejection.
    const preload = join(dir, 'stray-rejection.js');
    writeFileSync(
      preload,
      `const timer = setInterval(() => {
         if (process.listenerCount('unhandledRejection') === 0) return;
         clearInterval(timer);
         Promise.reject(new Error('stray rejection from the test preload'));
       }, 5);\n`,
    );
    const app = spawnNode(
      [...NODE_FLAGS, '--require', preload, MAIN_JS],
      childEnv(dir, { VX11_TOKEN: TOKEN }),
    );
    children.push(app);
    const port = await app.waitForListening();
    const logged = await waitFor(
      () =>
        app
          .stdout()
          .split('\n')
          .find((line) => line.includes('Unhandled promise rejection')),
      10000,
    );
    expect(JSON.parse(logged as string)).toMatchObject({
      level: 'error',
      msg: expect.stringContaining('Error: stray rejection from the test preload'),
    });
    expect(logged).toContain('stray-rejection.js'); // the stack

    expect((await rawGet(port, '/health')).status).toBe(200);
    const metrics = await rawGet(port, '/metrics', { 'x-vx11-token': TOKEN });
    expect(metrics.text).toMatch(/^vx11_unhandled_rejections_total 1$/m);
    await expectCleanStop(app);
  });
});

describe('Redis outage (in-process)', () => {
  let t: TestApp | undefined;
  let redis: ChildProcess | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
    if (redis && redis.exitCode === null) {
      const gone = new Promise((r) => redis!.once('exit', r));
      redis.kill();
      await gone;
    }
    redis = undefined;
  });

  it('boots degraded without Redis and heals when Redis appears', async () => {
    const port = await freePort(); // nothing listens here
    t = await bootApp({ REDIS_URL: `redis://127.0.0.1:${port}` });

    await t.http().get('/health').expect(200);
    const down = await t.http().get('/vx11/status').expect(200);
    expect(down.body).toMatchObject({ status: 'degraded', redis: { status: 'down' } });
    expect(down.body.db).toEqual({ status: 'ok' });
    await t.http().get('/api/map').set(t.auth).expect(200);

    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const healed = await waitFor(async () => {
      const res = await t!.http().get('/vx11/status');
      return res.body.redis?.status === 'up' ? res.body : undefined;
    }, 15000);
    expect(healed).toMatchObject({ status: 'ok', redis: { status: 'up' } });
  });
});
