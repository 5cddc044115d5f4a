import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { rawGet } from './support/raw-http';
import { FeedSocket, FeedStream } from './support/event-feeds';

const TOKEN = 'events-process-token-0123456789abcdef';

describe('the built process with live feeds', () => {
  beforeAll(assertBuilt);
  let dir: string;
  let app: ChildApp;
  afterEach(async () => {
    await app?.stop(2000);
    if (app?.env.REDIS_URL && app.env.VX11_QUEUE_PREFIX) {
      await deleteQueueKeys(app.env.REDIS_URL, app.env.VX11_QUEUE_PREFIX);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps ?token= values out of the logs and shuts down cleanly with feeds open', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-events-proc-'));
    app = spawnApp(childEnv(dir, { VX11_TOKEN: TOKEN, VX11_LOG_LEVEL: 'info' }));
    const port = await app.waitForListening();
    const minted = await new Promise<{ token: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/operator/api/events/sse-token',
          method: 'POST',
          headers: { 'x-vx11-token': TOKEN },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(JSON.parse(body) as { token: string }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const stream = await FeedStream.open(
      port,
      `/operator/api/events?token=${encodeURIComponent(minted.token)}`,
    );
    expect(stream.status).toBe(200);
    const socket = await FeedSocket.connect(port, `?token=${encodeURIComponent(TOKEN)}`);
    await socket.next((f) => f.type === 'connected');
    // a refused one too: its bad token must not be logged either
    await FeedSocket.connect(port, '?token=refused-token-value-12345').catch(() => undefined);
    expect((await rawGet(port, `/operator/api/events?token=${minted.token}`)).status).toBe(401);

    const exit = await app.stop(15000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect((await socket.whenClosed()).code).toBe(1001);
    await stream.whenEnded();
    const logs = app.stdout() + app.stderr();
    expect(logs).toContain('/operator/api/events'); // the requests were logged…
    for (const secret of [TOKEN, minted.token, 'refused-token-value-12345']) {
      expect(logs).not.toContain(secret); // …without their tokens
    }
  });
});
