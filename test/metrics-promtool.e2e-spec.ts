import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { rawGet } from './support/raw-http';

const TOKEN = 'metrics-test-token-0123456789abcdef';
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

/** `promtool check metrics` over `text`: its exit status and everything it printed. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `${PROMTOOL} is missing: install Prometheus' tools (\`sudo apt-get install prometheus\`; ` +
        '.ci/run does) or point PROMTOOL at a promtool binary.',
    );
  }
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('GET /metrics of a running VX11', () => {
  let app: ChildApp;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'vx11-metrics-'));
    app = spawnApp(childEnv(dir, { VX11_TOKEN: TOKEN }));
    port = await app.waitForListening();
  });

  afterAll(async () => {
    await app?.stop(5000);
    if (app) await deleteQueueKeys(app.env.REDIS_URL!, app.env.VX11_QUEUE_PREFIX!);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes `promtool check metrics` with no problem reported', async () => {
    // some traffic first, so labelled series (routes, statuses, events) exist in the scrape
    const auth = { 'x-vx11-token': TOKEN };
    await rawGet(port, '/health');
    await rawGet(port, '/vx11/status', auth);
    await rawGet(port, '/api/map', auth);
    await rawGet(port, '/api/map'); // 401
    await rawGet(port, '/no-such-route', auth); // 404

    const scrape = await rawGet(port, '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.text).toContain('vx11_http_request_duration_seconds_bucket');
    expect(scrape.text).toContain('vx11_nodejs_eventloop_lag_seconds');

    expect(promtoolCheck(scrape.text)).toEqual({ status: 0, output: '' });
  });
});
