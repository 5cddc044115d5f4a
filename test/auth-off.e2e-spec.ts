import { FeedSocket, listenOnce } from './support/event-feeds';
import { rawGet } from './support/raw-http';
import { bootApp, TestApp } from './support/test-app';

/** VX11_AUTH_MODE=off (loopback only): what still protects it, and the rails that say so. */
describe('auth mode off', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await bootApp({ VX11_AUTH_MODE: 'off', VX11_HOST: '127.0.0.1' });
    port = await listenOnce(t.app);
  });

  it('answers requests to a loopback name without a token, from its own pages too', async () => {
    expect((await rawGet(port, '/vx11/circuit-breaker/status')).status).toBe(200);
    const own = `http://127.0.0.1:${port}`;
    expect((await rawGet(port, '/vx11/circuit-breaker/status', { origin: own })).status).toBe(200);
    const local = { host: `localhost:${port}`, origin: `http://localhost:${port}` };
    expect((await rawGet(port, '/health', local)).status).toBe(200);
  });

  it('refuses a rebound name (DNS rebinding) and a foreign page, in the one shape', async () => {
    const rebound = await rawGet(port, '/vx11/circuit-breaker/status', {
      host: `attacker.example:${port}`,
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text)).toMatchObject({ error: 'forbidden', status_code: 403 });
    const foreign = await rawGet(port, '/operator/api/status', {
      origin: 'http://attacker.example',
    });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text).message).toMatch(/Origin must match Host/);
  });

  it('refuses a WebSocket opened by a foreign page (no CORS protects it)', async () => {
    const refused = await FeedSocket.connect(port, '', { origin: 'http://attacker.example' }).then(
      () => undefined,
      (err: { status?: number }) => err,
    );
    expect(refused?.status).toBe(403);
    const own = await FeedSocket.connect(port, '', { origin: `http://127.0.0.1:${port}` });
    own.ws.close();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('fails token_guard_enforced with the reason, other gates still computed', async () => {
    await t
      .http()
      .post('/madre/power/window/open')
      .send({ services: ['manifestator'], ttl_sec: 600 })
      .expect(200);
    const res = await t.http().get('/manifestator/rails').expect(200);
    const gates = res.body.gates as Array<{ name: string; status: string; reason?: string }>;
    expect(res.body.status).toBe('fail');
    expect(gates.find((g) => g.name === 'token_guard_enforced')).toMatchObject({
      status: 'failed',
      reason: 'auth mode is off: no route requires the token',
    });
    // the probe request needs no token here, and still carries its correlation id to the ledger
    expect(gates.find((g) => g.name === 'correlation_id_flow')?.status).toBe('ok');
    expect(gates.find((g) => g.name === 'dormant_policy_gates')?.status).toBe('ok');
  });
});
