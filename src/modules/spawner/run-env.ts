import { ENV_NEVER_PASSED_TO_RUNS } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { RUN_MARKER_ENV } from './process-tree';
import { CoreErrors } from '../../core/errors/core-errors';
import { SpawnerErrors } from './spawner-errors';

const MAX_VARIABLES = 32;
const MAX_VALUE_CHARS = 4096;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Checks a request's `env` against the allowlist: plain names, string values without NUL, none
 * of the variables that are never passed. 400 naming every refused variable.
 */
export function checkEnvOverlay(
  env: unknown,
  allowlist: readonly string[],
): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env !== 'object' || Array.isArray(env)) {
    throw new ApiError(CoreErrors.validation_failed, 'env must be an object of strings', [
      { field: 'env', errors: ['env must be an object of strings'] },
    ]);
  }
  const entries = Object.entries(env as Record<string, unknown>);
  if (entries.length > MAX_VARIABLES) {
    throw new ApiError(
      CoreErrors.validation_failed,
      `env may set at most ${MAX_VARIABLES} variables`,
      [{ field: 'env', errors: [`env may set at most ${MAX_VARIABLES} variables`] }],
    );
  }
  const problems: Array<{ field: string; errors: string[] }> = [];
  const overlay: Record<string, string> = {};
  for (const [name, value] of entries) {
    const field = `env.${name}`;
    if (!NAME.test(name) || ENV_NEVER_PASSED_TO_RUNS.test(name)) {
      problems.push({ field, errors: [`${name} is never passed to a run`] });
    } else if (!allowlist.includes(name)) {
      problems.push({
        field,
        errors: [`${name} is not in spawner.envAllowlist (${allowlist.join(', ') || 'empty'})`],
      });
    } else if (
      typeof value !== 'string' ||
      value.includes('\0') ||
      value.length > MAX_VALUE_CHARS
    ) {
      problems.push({
        field,
        errors: [`${field} must be a string of at most ${MAX_VALUE_CHARS} characters, without NUL`],
      });
    } else {
      overlay[name] = value;
    }
  }
  if (problems.length > 0) {
    throw new ApiError(
      SpawnerErrors.env_not_allowed,
      `Refused environment variables: ${problems.map((p) => p.field.slice(4)).join(', ')}`,
      problems,
      { allowed: allowlist },
    );
  }
  return overlay;
}

/**
 * The whole environment of a run: nothing of the server's but PATH (and the locale), so no
 * token or secret leaks into a child; then the request's overlay; then the run marker.
 */
export function runEnvironment(
  overlay: Record<string, string>,
  runId: string,
  home: string,
  serverEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const base: Record<string, string> = {
    PATH: serverEnv.PATH || '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
  };
  for (const name of ['LANG', 'LC_ALL', 'TZ']) {
    const value = serverEnv[name];
    if (value) base[name] = value;
  }
  return { ...base, ...overlay, [RUN_MARKER_ENV]: runId };
}
