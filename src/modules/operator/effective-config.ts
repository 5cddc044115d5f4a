import { AppConfig } from '../../core/config/app-config';

const REDACTED = '[redacted]';

function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = REDACTED;
    return url.toString();
  } catch {
    return REDACTED;
  }
}

/**
 * The effective configuration for GET /operator/api/config. Secrets never leave: the token is
 * replaced by whether one is set, a Redis password is masked, providers show the *name* of
 * their key variable and whether it is set, never a key.
 */
export function effectiveConfig(config: AppConfig) {
  const { token, redisUrl, providers, ...rest } = config;
  return {
    ...rest,
    token: token ? REDACTED : null,
    redisUrl: redactUrl(redisUrl),
    providers: providers.map((p) => ({
      ...p,
      api_key_present: p.api_key_env ? Boolean(process.env[p.api_key_env]) : false,
    })),
  };
}
