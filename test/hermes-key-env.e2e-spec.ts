import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EngineEntity } from '../src/modules/hermes/engine.entity';
import { configFileEnv } from './support/config-file';
import { bootApp, TEST_TOKEN, TestApp } from './support/test-app';

/** A loopback "engine" that records the Authorization header of every request it receives. */
class RecordingEngine {
  readonly seen: Array<{ url: string; authorization: string | undefined }> = [];
  private server: Server | undefined;

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'm1', object: 'model' }] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  headersSent(): string {
    return JSON.stringify(this.seen);
  }
}

const PROVIDER_KEY = 'sk-provider-key-value-42';
const DECLARED_KEY = 'sk-declared-key-value-43';

/**
 * Issue 10 item 7: a token holder must not be able to make VX11 send one of its own secrets
 * (VX11_TOKEN…) or any undeclared variable to a URL of their choice.
 */
describe('engine API key variables', () => {
  const engine = new RecordingEngine();
  const dir = mkdtempSync(join(tmpdir(), 'vx11-keyenv-'));
  const cfg = configFileEnv({ providerKeyEnvs: ['DECLARED_ENGINE_KEY'] });
  const saved = {
    token: process.env.VX11_TOKEN,
    provider: process.env.VX11_PROVIDER_KEY_RECORDER,
    declared: process.env.DECLARED_ENGINE_KEY,
    undeclared: process.env.UNDECLARED_SECRET,
  };
  let t: TestApp;

  const boot = async () => {
    t = await bootApp(cfg.env, dir);
    await t.http().post('/madre/power/policy/operative_core/apply').set(t.auth).expect(200);
  };
  const register = (name: string, apiKeyEnv: string) =>
    t
      .http()
      .post('/hermes/engines')
      .set(t.auth)
      .send({ name, tier: 'switch', base_url: engine.baseUrl, model: 'm', api_key_env: apiKeyEnv });
  const discover = async () =>
    (await t.http().post('/hermes/discover').set(t.auth).expect(200)).body as {
      engines: Array<{ engine: string; ok: boolean }>;
    };
  const engineView = async (name: string) =>
    (
      (await t.http().get('/hermes/engines').set(t.auth).expect(200)).body.engines as Array<{
        name: string;
        api_key_present: boolean;
        api_key_refused: string | null;
      }>
    ).find((e) => e.name === name);

  beforeAll(async () => {
    await engine.start();
    // the server reads its own token from the environment, as a real deployment does
    process.env.VX11_TOKEN = TEST_TOKEN;
    process.env.VX11_PROVIDER_KEY_RECORDER = PROVIDER_KEY;
    process.env.DECLARED_ENGINE_KEY = DECLARED_KEY;
    process.env.UNDECLARED_SECRET = 'sk-undeclared-do-not-send';
    await boot();
  });
  afterAll(async () => {
    await t.close();
    await engine.stop();
    cfg.cleanup();
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of [
      ['VX11_TOKEN', saved.token],
      ['VX11_PROVIDER_KEY_RECORDER', saved.provider],
      ['DECLARED_ENGINE_KEY', saved.declared],
      ['UNDECLARED_SECRET', saved.undeclared],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("refuses VX11's own variables and undeclared ones with 422, and never sends them", async () => {
    for (const [name, variable] of [
      ['steal-token', 'VX11_TOKEN'],
      ['steal-redis', 'REDIS_URL'],
      ['steal-other', 'UNDECLARED_SECRET'],
      ['steal-path', 'PATH'],
    ]) {
      const res = await register(name, variable).expect(422);
      expect(res.body).toEqual({
        error: 'api_key_env_not_allowed',
        message: expect.stringContaining('api_key_env must name a variable the configuration'),
        status_code: 422,
        correlation_id: expect.any(String),
        details: [{ field: 'api_key_env', errors: [expect.stringContaining(variable)] }],
      });
    }
    const names = (await t.http().get('/hermes/engines').set(t.auth).expect(200)).body.engines.map(
      (e: { name: string }) => e.name,
    );
    expect(names.filter((n: string) => n.startsWith('steal-'))).toEqual([]);

    await discover();
    expect(engine.headersSent()).not.toContain(TEST_TOKEN);
    expect(engine.headersSent()).not.toContain('sk-undeclared-do-not-send');
  });

  it('sends a declared or VX11_PROVIDER_KEY_ variable, and reports it present', async () => {
    await register('by-prefix', 'VX11_PROVIDER_KEY_RECORDER').expect(201);
    await register('by-config', 'DECLARED_ENGINE_KEY').expect(201);
    engine.seen.length = 0;
    const result = await discover();
    expect(result.engines.filter((e) => e.engine.startsWith('by-')).map((e) => e.ok)).toEqual([
      true,
      true,
    ]);
    expect(engine.seen.map((s) => s.authorization).sort()).toEqual(
      [`Bearer ${DECLARED_KEY}`, `Bearer ${PROVIDER_KEY}`].sort(),
    );
    expect(await engineView('by-prefix')).toMatchObject({
      api_key_present: true,
      api_key_refused: null,
    });
    await t.http().delete('/hermes/engines/by-prefix').set(t.auth).expect(200);
    await t.http().delete('/hermes/engines/by-config').set(t.auth).expect(200);
  });

  it('never sends the variable of an engine stored earlier with a forbidden name', async () => {
    // an engine row written before the policy existed (or by an older VX11)
    await t.get(DataSource).getRepository(EngineEntity).insert({
      name: 'stored-earlier',
      tier: 'switch',
      base_url: engine.baseUrl,
      model: 'm',
      api_key_env: 'VX11_TOKEN',
      timeout_ms: null,
      priority: 0,
      daily_token_budget: null,
      models: null,
      created_at: new Date().toISOString(),
    });
    await t.close();
    await boot();

    engine.seen.length = 0;
    const result = await discover();
    expect(result.engines.find((e) => e.engine === 'stored-earlier')?.ok).toBe(true);
    expect(engine.seen.length).toBeGreaterThan(0);
    expect(engine.seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(engine.headersSent()).not.toContain(TEST_TOKEN);
    expect(await engineView('stored-earlier')).toMatchObject({
      api_key_present: false,
      api_key_refused: expect.stringContaining("VX11_TOKEN is one of VX11's own variables"),
    });
  });
});
