import { AUTH_MODES, LOG_LEVELS } from './app-config';
import { ConfigError } from './config-error';

type Parser = (raw: string, name: string) => unknown;

const text: Parser = (raw, name) => {
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty');
  return raw;
};
const integer =
  (min: number, max: number): Parser =>
  (raw, name) => {
    if (!/^-?\d+$/.test(raw.trim()))
      throw new ConfigError(name, `must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
      throw new ConfigError(name, `must be between ${min} and ${max}`);
    return value;
  };
const oneOf =
  (allowed: readonly string[]): Parser =>
  (raw, name) => {
    if (!allowed.includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
    return raw;
  };
const boolean: Parser = (raw, name) => {
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, 'must be true or false');
};
const redisUrl: Parser = (raw, name) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL like redis://host:6379');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(name, 'must start with redis:// or rediss://');
  }
  return raw;
};
const token: Parser = (raw, name) => {
  if (raw.length < 16) throw new ConfigError(name, 'must be at least 16 characters');
  return raw;
};

/** Every environment variable VX11 reads, the config key it overrides, and how it is parsed. */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: string; parse: Parser }> = [
  { env: 'VX11_HOST', path: 'host', parse: text },
  { env: 'VX11_PORT', path: 'port', parse: integer(0, 65535) },
  { env: 'VX11_DATA_DIR', path: 'dataDir', parse: text },
  { env: 'VX11_LOGS_DIR', path: 'logsDir', parse: text },
  { env: 'VX11_TOKEN', path: 'token', parse: token },
  { env: 'VX11_AUTH_MODE', path: 'authMode', parse: oneOf(AUTH_MODES) },
  { env: 'REDIS_URL', path: 'redisUrl', parse: redisUrl },
  { env: 'VX11_QUEUE_PREFIX', path: 'queuePrefix', parse: text },
  { env: 'VX11_LOG_LEVEL', path: 'logLevel', parse: oneOf(LOG_LEVELS) },
  { env: 'VX11_BODY_LIMIT', path: 'bodyLimitBytes', parse: integer(1024, 1024 * 1024 * 1024) },
  { env: 'VX11_METRICS_PUBLIC', path: 'metricsPublic', parse: boolean },
  { env: 'VX11_SHUTDOWN_TIMEOUT_MS', path: 'shutdownTimeoutMs', parse: integer(100, 600000) },
  { env: 'VX11_WINDOW_MAX_TTL_SEC', path: 'window.maxTtlSec', parse: integer(1, 7 * 24 * 3600) },
  { env: 'VX11_DEFAULT_POLICY', path: 'defaultPolicy', parse: text },
  {
    env: 'VX11_EVENT_PAYLOAD_LIMIT',
    path: 'events.payloadLimitBytes',
    parse: integer(256, 1024 * 1024),
  },
  { env: 'VX11_SSE_TOKEN_TTL_SEC', path: 'events.sseTokenTtlSec', parse: integer(1, 3600) },
  { env: 'VX11_HEALTH_INTERVAL_SEC', path: 'health.intervalSec', parse: integer(1, 86400) },
  { env: 'VX11_BACKUP_KEEP', path: 'maintenance.keepBackups', parse: integer(1, 1000) },
  { env: 'VX11_HEADERS_TIMEOUT_MS', path: 'http.headersTimeoutMs', parse: integer(100, 300000) },
  { env: 'VX11_REQUEST_TIMEOUT_MS', path: 'http.requestTimeoutMs', parse: integer(100, 3600000) },
  {
    env: 'VX11_KEEPALIVE_TIMEOUT_MS',
    path: 'http.keepAliveTimeoutMs',
    parse: integer(100, 600000),
  },
  { env: 'VX11_BUSY_POLL_US', path: 'http.busyPollUs', parse: integer(0, 100000) },
  { env: 'VX11_AUTH_FAILURE_LIMIT', path: 'authFailures.limit', parse: integer(1, 1000000) },
];

export function envNameFor(path: string): string | undefined {
  return ENV_OVERRIDES.find((o) => o.path === path)?.env;
}
