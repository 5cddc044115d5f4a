import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/config/config-error';
import { loadConfig } from '../../core/config/load-config';
import { isReservedEnvName } from '../../core/config/reserved-env';
import { ApiKeyEnvPolicy } from './api-key-env-policy';

const provider = (api_key_env?: string) => ({
  name: 'cloud',
  tier: 'madre' as const,
  base_url: 'https://api.example.com/v1',
  model: 'm',
  ...(api_key_env ? { api_key_env } : {}),
});

describe('ApiKeyEnvPolicy', () => {
  const policy = new ApiKeyEnvPolicy({
    providers: [provider('OPENAI_API_KEY'), provider()],
    providerKeyEnvs: ['EXTRA_ENGINE_KEY'],
  });

  it("allows declared variables and the provider-key prefix, never VX11's own", () => {
    expect(policy.allows('OPENAI_API_KEY')).toBe(true);
    expect(policy.allows('EXTRA_ENGINE_KEY')).toBe(true);
    expect(policy.allows('VX11_PROVIDER_KEY_LOCAL')).toBe(true);
    for (const name of ['VX11_TOKEN', 'REDIS_URL', 'VX11_CONFIG_FILE', 'VX11_SOMETHING_NEW']) {
      expect(policy.check(name)).toEqual({
        allowed: false,
        reason: `${name} is one of VX11's own variables`,
      });
    }
    expect(policy.check('HOME')).toEqual({
      allowed: false,
      reason: 'HOME is not declared by the configuration',
    });
    expect(policy.allows('VX11_PROVIDER_KEY_')).toBe(false);
    expect(policy.allows(null)).toBe(false);
  });

  it('knows every variable VX11 reads as reserved', () => {
    expect(isReservedEnvName('VX11_TOKEN')).toBe(true);
    expect(isReservedEnvName('REDIS_URL')).toBe(true);
    expect(isReservedEnvName('VX11_PROVIDER_KEY_X')).toBe(false);
    expect(isReservedEnvName('OPENAI_API_KEY')).toBe(false);
  });
});

describe('loadConfig and provider key variables', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-keyenv-cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (config: object) => {
    const file = join(dir, 'vx11.json');
    writeFileSync(file, JSON.stringify(config));
    return () => loadConfig({ VX11_CONFIG_FILE: file });
  };

  it("refuses a config provider or providerKeyEnvs naming one of VX11's own variables", () => {
    expect(load({ providers: [provider('VX11_TOKEN')] })).toThrow(ConfigError);
    expect(load({ providers: [provider('VX11_TOKEN')] })).toThrow(
      /providers\[0\]\.api_key_env.*VX11_TOKEN, one of VX11's own variables/,
    );
    expect(load({ providerKeyEnvs: ['REDIS_URL'] })).toThrow(/providerKeyEnvs.*REDIS_URL/);
    expect(load({ providers: [provider('OPENAI_API_KEY')] })().providers[0].api_key_env).toBe(
      'OPENAI_API_KEY',
    );
  });
});
