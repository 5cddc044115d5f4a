import { bootApp, TestApp } from './support/test-app';

/** token_guard_enforced computed live: with VX11_AUTH_MODE=off (loopback only) it fails. */
describe('manifestator rails with auth off', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ VX11_AUTH_MODE: 'off', VX11_HOST: '127.0.0.1' });
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
