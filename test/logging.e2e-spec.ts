import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { rawGet } from './support/raw-http';

const TOKEN = 'logging-test-token-0123456789abcdef';
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

interface LogLine {
  level: string;
  time: string;
  msg?: string;
  context?: string;
  [field: string]: unknown;
}

/** Every stdout line, parsed; a line that is not JSON fails the test naming it. */
function parseLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
    });
}

describe('stdout logs of the built process', () => {
  let app: ChildApp;
  let dir: string;
  let lines: LogLine[];
  let stdout: string;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'vx11-logs-'));
    // debug shows what is demoted (boot chatter, probe requests) instead of hiding it
    app = spawnApp(childEnv(dir, { VX11_TOKEN: TOKEN, VX11_LOG_LEVEL: 'debug' }));
    const port = await app.waitForListening();
    expect((await rawGet(port, '/health')).status).toBe(200);
    expect((await rawGet(port, '/metrics')).status).toBe(200);
    expect((await rawGet(port, '/vx11/status', { 'x-vx11-token': TOKEN })).status).toBe(200);
    const withSecrets = await rawGet(port, `/no-such-route?limit=5&token=${TOKEN}`, {
      authorization: `Bearer ${TOKEN}`,
      'x-correlation-id': 'logging-spec-secret-url',
    });
    expect(withSecrets.status).toBe(404);
    await app.stop(); // a clean stop: every line is flushed before we read them
    stdout = app.stdout();
    lines = parseLines(stdout);
  });

  afterAll(async () => {
    await app?.stop(2000);
    if (app) await deleteQueueKeys(app.env.REDIS_URL!, app.env.VX11_QUEUE_PREFIX!);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one JSON shape: string level, ISO-8601 UTC time', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(LEVELS).toContain(line.level);
      expect(typeof line.time).toBe('string');
      expect(new Date(line.time).toISOString()).toBe(line.time);
    }
  });

  it("puts Nest's per-route and per-module boot lines at debug, not info", () => {
    const chatter = lines.filter((l) =>
      ['RoutesResolver', 'RouterExplorer', 'InstanceLoader'].includes(String(l.context)),
    );
    expect(chatter.some((l) => /^Mapped \{/.test(l.msg ?? ''))).toBe(true);
    expect(chatter.filter((l) => l.level !== 'debug')).toEqual([]);
    expect(lines.some((l) => l.level === 'info' && /successfully started/.test(l.msg ?? ''))).toBe(
      true,
    );
  });

  it('logs /health and /metrics requests at debug only', () => {
    const probes = lines.filter((l) => l.url === '/health' || l.url === '/metrics');
    expect(probes.map((l) => l.url)).toEqual(expect.arrayContaining(['/health', '/metrics']));
    expect(probes.filter((l) => l.level !== 'debug')).toEqual([]);
  });

  it('logs a request as method, redacted URL, status, duration, correlation id, address', () => {
    const line = lines.find((l) => l.correlation_id === 'logging-spec-secret-url' && l.url);
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      url: '/no-such-route?limit=5&token=[redacted]',
      status_code: 404,
      duration_ms: expect.any(Number),
      remote_address: '127.0.0.1',
    });
    expect(Object.keys(line!)).not.toEqual(expect.arrayContaining(['req']));
    expect(JSON.stringify(line)).not.toMatch(/headers|user-agent/i);
    const status = lines.find((l) => l.url === '/vx11/status');
    expect(status).toMatchObject({ level: 'info', status_code: 200 });
  });

  it('never writes the token, from a header or from the query', () => {
    expect(stdout).not.toContain(TOKEN);
    expect(app.stderr()).not.toContain(TOKEN);
  });
});
