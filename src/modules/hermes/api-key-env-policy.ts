import { AppConfig } from '../../core/config/app-config';
import { isReservedEnvName, PROVIDER_KEY_PREFIX } from '../../core/config/reserved-env';

/** Whether an engine may name a variable as its key, and why not. */
export type KeyEnvVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Which environment variables an engine may send as its API key. A key variable names a secret
 * that VX11 sends to a URL the caller chose, so a runtime engine may only name one the
 * configuration declares: a config provider's `api_key_env`, one listed in `providerKeyEnvs`,
 * or one under the `VX11_PROVIDER_KEY_` prefix — never one of VX11's own (VX11_TOKEN…).
 */
export class ApiKeyEnvPolicy {
  private readonly declared: ReadonlySet<string>;

  constructor(config: Pick<AppConfig, 'providers' | 'providerKeyEnvs'>) {
    this.declared = new Set([
      ...config.providers.map((p) => p.api_key_env).filter((n): n is string => Boolean(n)),
      ...(config.providerKeyEnvs ?? []),
    ]);
  }

  /** The rule, as one sentence for error messages and docs. */
  static readonly RULE =
    `api_key_env must name a variable the configuration declares (a config provider's ` +
    `api_key_env, one listed in providerKeyEnvs, or ${PROVIDER_KEY_PREFIX}*); VX11's own ` +
    `variables (VX11_TOKEN, REDIS_URL, …) are never sent`;

  check(name: string): KeyEnvVerdict {
    if (isReservedEnvName(name)) {
      return { allowed: false, reason: `${name} is one of VX11's own variables` };
    }
    if (name.startsWith(PROVIDER_KEY_PREFIX) && name.length > PROVIDER_KEY_PREFIX.length) {
      return { allowed: true };
    }
    if (this.declared.has(name)) return { allowed: true };
    return { allowed: false, reason: `${name} is not declared by the configuration` };
  }

  allows(name: string | null | undefined): name is string {
    return typeof name === 'string' && this.check(name).allowed;
  }
}
