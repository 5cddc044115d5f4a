import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { PROJECT_ROOT } from './project-root';

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not). */
function configErrorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the defaults from config/default.json with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      authMode: 'token',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'vx11',
      logLevel: 'info',
      bodyLimitBytes: 1048576,
      metricsPublic: true,
      defaultPolicy: 'solo_madre',
      window: { maxTtlSec: 3600 },
    });
    expect(config.token).toBeUndefined();
    expect(config.dataDir).toBe(join(PROJECT_ROOT, 'data'));
    expect(config.logsDir).toBe(join(PROJECT_ROOT, 'logs'));
    expect(config.window.allowlist).toEqual(
      expect.arrayContaining(['switch', 'hermes', 'spawner']),
    );
  });

  it('applies every environment override', () => {
    const config = loadConfig({
      VX11_HOST: '0.0.0.0',
      VX11_PORT: '9123',
      VX11_DATA_DIR: join(dir, 'd'),
      VX11_LOGS_DIR: join(dir, 'l'),
      VX11_TOKEN: 'a-token-of-at-least-16-chars',
      VX11_AUTH_MODE: 'token',
      REDIS_URL: 'rediss://user:pw@redis.example:6380/2',
      VX11_QUEUE_PREFIX: 'q_prefix-1',
      VX11_LOG_LEVEL: 'debug',
      VX11_BODY_LIMIT: '4096',
      VX11_METRICS_PUBLIC: 'false',
      VX11_SHUTDOWN_TIMEOUT_MS: '1500',
      VX11_WINDOW_MAX_TTL_SEC: '120',
      VX11_DEFAULT_POLICY: 'full',
      VX11_BUSY_POLL_US: '0',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9123,
      dataDir: join(dir, 'd'),
      logsDir: join(dir, 'l'),
      token: 'a-token-of-at-least-16-chars',
      authMode: 'token',
      redisUrl: 'rediss://user:pw@redis.example:6380/2',
      queuePrefix: 'q_prefix-1',
      logLevel: 'debug',
      bodyLimitBytes: 4096,
      metricsPublic: false,
      shutdownTimeoutMs: 1500,
      window: { maxTtlSec: 120 },
      defaultPolicy: 'full',
      http: { busyPollUs: 0 },
    });
  });

  it('resolves relative data and logs dirs against the project root', () => {
    const config = loadConfig({ VX11_DATA_DIR: 'rel/data', VX11_LOGS_DIR: 'rel/logs' });
    expect(isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(join(PROJECT_ROOT, 'rel/data'));
    expect(config.logsDir).toBe(join(PROJECT_ROOT, 'rel/logs'));
  });

  it.each([
    ['VX11_PORT', 'abc'],
    ['VX11_PORT', '70000'],
    ['VX11_PORT', '-1'],
    ['VX11_AUTH_MODE', 'maybe'],
    ['REDIS_URL', 'http://x'],
    ['REDIS_URL', 'not a url'],
    ['VX11_TOKEN', 'short'],
    ['VX11_BODY_LIMIT', '12'],
    ['VX11_LOG_LEVEL', 'loud'],
    ['VX11_METRICS_PUBLIC', 'perhaps'],
    ['VX11_HOST', '   '],
    ['VX11_QUEUE_PREFIX', 'has spaces'],
    ['VX11_DEFAULT_POLICY', 'no_such_policy'],
    ['VX11_BUSY_POLL_US', '-5'],
    ['VX11_BUSY_POLL_US', '2ms'],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    const err = configErrorFor({ [name]: value });
    expect(err.source).toBe(name);
    expect(err.message).toContain(name);
    expect(err.message).toMatch(/^Invalid configuration: /);
  });

  it('never echoes a rejected token value in the error', () => {
    const err = configErrorFor({ VX11_TOKEN: 'tooShortSecret' });
    expect(err.message).not.toContain('tooShortSecret');
  });

  it('refuses auth mode off on a non-loopback host, naming VX11_AUTH_MODE', () => {
    const err = configErrorFor({ VX11_AUTH_MODE: 'off', VX11_HOST: '0.0.0.0' });
    expect(err.source).toBe('VX11_AUTH_MODE');
    expect(err.message).toContain('VX11_AUTH_MODE');
    expect(err.message).toContain('0.0.0.0');
  });

  it.each(['127.0.0.1', 'localhost', '::1'])('accepts auth mode off on loopback %s', (host) => {
    const config = loadConfig({ VX11_AUTH_MODE: 'off', VX11_HOST: host });
    expect(config.authMode).toBe('off');
    expect(config.host).toBe(host);
  });

  it('merges the JSON file named by VX11_CONFIG_FILE over the defaults', () => {
    const file = join(dir, 'extra.json');
    writeFileSync(file, JSON.stringify({ window: { maxTtlSec: 900 } }));
    const config = loadConfig({ VX11_CONFIG_FILE: file });
    expect(config.window.maxTtlSec).toBe(900);
    // objects merge key by key: the allowlist from the defaults survives
    expect(config.window.allowlist).toEqual(loadConfig({}).window.allowlist);
    expect(config.port).toBe(8000);
  });

  it('lets the environment win over VX11_CONFIG_FILE', () => {
    const file = join(dir, 'extra.json');
    writeFileSync(file, JSON.stringify({ window: { maxTtlSec: 900 }, port: 9000 }));
    const config = loadConfig({ VX11_CONFIG_FILE: file, VX11_WINDOW_MAX_TTL_SEC: '60' });
    expect(config.window.maxTtlSec).toBe(60);
    expect(config.port).toBe(9000);
  });

  it('ignores a token set in a config file (tokens come only from env or the token file)', () => {
    const file = join(dir, 'extra.json');
    writeFileSync(file, JSON.stringify({ token: 'token-from-config-file-1234' }));
    expect(loadConfig({ VX11_CONFIG_FILE: file }).token).toBeUndefined();
    const withEnv = loadConfig({ VX11_CONFIG_FILE: file, VX11_TOKEN: 'token-from-the-env-5678' });
    expect(withEnv.token).toBe('token-from-the-env-5678');
  });

  it('names VX11_CONFIG_FILE when the file is missing or not JSON', () => {
    expect(configErrorFor({ VX11_CONFIG_FILE: join(dir, 'missing.json') }).source).toBe(
      'VX11_CONFIG_FILE',
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(configErrorFor({ VX11_CONFIG_FILE: bad }).source).toBe('VX11_CONFIG_FILE');
  });

  it('names the config key when a config file value is invalid', () => {
    const file = join(dir, 'extra.json');
    writeFileSync(file, JSON.stringify({ window: { maxTtlSec: 0 } }));
    const err = configErrorFor({ VX11_CONFIG_FILE: file });
    expect(err.message).toContain('VX11_WINDOW_MAX_TTL_SEC');
    writeFileSync(file, JSON.stringify({ window: { allowlist: ['madre'] } }));
    expect(configErrorFor({ VX11_CONFIG_FILE: file }).message).toContain('window.allowlist');
  });
});
