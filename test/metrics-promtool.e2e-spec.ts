import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { promtool } from './support/promtool';
import { rawGet } from './support/raw-http';

const TOKEN = 'metrics-test-token-0123456789abcdef';

/** `promtool check metrics` over `text`: its exit status and everything it printed. */
const promtoolCheck = (text: string) => promtool(['check', 'metrics'], text);

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
    // the operations kit's scrape-time gauges (deploy/prometheus/vx11-rules.yml alerts on them)
    expect(scrape.text).toMatch(/^vx11_queue_jobs\{queue="switch",state="waiting"\} \d+$/m);
    expect(scrape.text).toMatch(
      /^vx11_module_state\{module="madre",category="core",state="active"\} 1$/m,
    );
    expect(scrape.text).toMatch(/^vx11_disk_free_bytes\{path="data"\} \d+/m);
    expect(scrape.text).toMatch(/^vx11_ledger_verify_ok\{chain="events"\} 1$/m);

    expect(promtoolCheck(scrape.text)).toEqual({ status: 0, output: '' });
  });
});
