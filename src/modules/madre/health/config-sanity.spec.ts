import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../core/config/load-config';
import { configSanity } from './config-sanity';

describe('configSanity', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-sanity-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a usable setup and names an unset API key variable, never its value', () => {
    const config = loadConfig({
      VX11_DATA_DIR: dir,
      VX11_LOGS_DIR: dir,
      VX11_TOKEN: 'x'.repeat(20),
    });
    expect(configSanity(config, {}).filter((f) => !f.ok)).toEqual([]);
    config.providers = [
      {
        name: 'cloud',
        tier: 'madre',
        base_url: 'https://api.example/v1',
        model: 'm',
        api_key_env: 'CLOUD_KEY',
      },
    ];
    const missing = configSanity(config, {}).find((f) => f.check === 'providers');
    expect(missing).toEqual({
      check: 'providers',
      ok: false,
      detail: 'API key variable unset for cloud (CLOUD_KEY)',
    });
    const set = configSanity(config, { CLOUD_KEY: 'secret-value' });
    expect(set.find((f) => f.check === 'providers')?.ok).toBe(true);
    expect(JSON.stringify(set)).not.toContain('secret-value');
  });

  it('flags a data dir VX11 cannot write and a check timeout longer than the cycle', () => {
    const config = loadConfig({ VX11_DATA_DIR: join(dir, 'missing'), VX11_LOGS_DIR: dir });
    config.health.checkTimeoutMs = 120000;
    const failed = configSanity(config, {})
      .filter((f) => !f.ok)
      .map((f) => f.check);
    expect(failed).toEqual(expect.arrayContaining(['data_dir', 'health_timing']));
  });
});
