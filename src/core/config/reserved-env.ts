import { ENV_OVERRIDES } from './env-overrides';

/** Variables under this prefix are meant to hold provider API keys, and only those. */
export const PROVIDER_KEY_PREFIX = 'VX11_PROVIDER_KEY_';

/**
 * VX11's own variables: everything it reads itself (ENV_OVERRIDES: the token, REDIS_URL with
 * its password…) and the whole VX11_ namespace except the provider-key prefix. Never sent to a
 * provider as an API key, whoever names it.
 */
export function isReservedEnvName(name: string): boolean {
  if (ENV_OVERRIDES.some((o) => o.env === name)) return true;
  return name.startsWith('VX11_') && !name.startsWith(PROVIDER_KEY_PREFIX);
}
