import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisService } from '../src/core/queue/redis.service';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { OwnedRedis } from './support/redis-harness';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Plan {
  plan_id: string;
  status: string;
  steps: Array<{ type: string; status: string; output: Record<string, unknown> | null }>;
}

describe('madre plans while Redis is down', () => {
  let redis: OwnedRedis;
  let t: TestApp;
  let dir: string;
  const fake = new FakeProvider('fake-plans-outage');

  const finished = (id: string) =>
    waitFor(async () => {
      const res = await t.http().get(`/madre/plans/${id}`).set(t.auth).expect(200);
      const plan = res.body as Plan;
      return ['DONE', 'ERROR'].includes(plan.status) ? plan : undefined;
    }, 15000) as Promise<Plan>;

  beforeAll(async () => {
    redis = await OwnedRedis.start();
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-plans-outage-'));
    const file = providerConfigFile(dir, [{ fake, tier: 'switch', timeout_ms: 2000 }]);
    t = await bootApp({ REDIS_URL: redis.url, VX11_CONFIG_FILE: file });
    await redis.kill();
    await waitFor(() => !t.get(RedisService).isUp(), 10000);
  });

  afterAll(async () => {
    // Closed while Redis is still down, as the test left it: no client is reconnecting to a
    // Redis about to be killed again (their late socket errors outlived the suite).
    await t?.close().catch(() => undefined);
    await redis?.kill();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs plans in-process; the chat step answers from the local responder, as every chat does (CONTRACT §4.5)', async () => {
    const status = await t
      .http()
      .post('/madre/intent')
      .set(t.auth)
      .send({ intent_type: 'status' })
      .expect(201);
    expect((await finished(status.body.plan_id)).status).toBe('DONE');

    const chat = await t
      .http()
      .post('/vx11/intent')
      .set(t.auth)
      .send({ intent_type: 'free_text', text: 'hello there' })
      .expect(201);
    const plan = await finished(chat.body.plan_id);
    expect(plan.status).toBe('DONE');
    expect(plan.steps.map((s) => s.type)).toEqual(['OPEN_WINDOW', 'CALL_SWITCH', 'CLOSE_WINDOW']);
    expect(plan.steps[1].output).toMatchObject({
      fallback_source: 'local_llm_degraded',
      degraded: true,
      fallback_reason: expect.stringContaining('redis unreachable'),
    });
    expect(plan.steps[1].output?.response).toContain('Redis down');
    expect(fake.calls).toBe(0);
  }, 30000);
});
