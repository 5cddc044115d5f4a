import { isLoopback } from './loopback';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MODULE_NAMES, OPTIONAL_MODULES } from '../registry/module-catalog';
import { AppConfig, ENV_NEVER_PASSED_TO_RUNS } from './app-config';
import { ConfigError } from './config-error';
import { ENV_OVERRIDES, envNameFor } from './env-overrides';
import { PROJECT_ROOT, RUNTIME_BASE } from './project-root';
import { isReservedEnvName, PROVIDER_KEY_PREFIX } from './reserved-env';

type Json = Record<string, unknown>;

function readJson(file: string, source: string): Json {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (err) {
    throw new ConfigError(source, `cannot be read as JSON (${(err as Error).message})`);
  }
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace. */
function deepMerge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]] = value;
}

function firstViolation(errors: ValidationError[], prefix = ''): { path: string; reason: string } {
  const err = errors[0];
  const path = prefix ? `${prefix}.${err.property}` : err.property;
  if (err.constraints) return { path, reason: Object.values(err.constraints)[0] };
  return firstViolation(err.children ?? [], path);
}

function checkModuleNames(config: AppConfig): void {
  for (const name of config.window.allowlist) {
    if (!OPTIONAL_MODULES.includes(name)) {
      throw new ConfigError(
        'config key window.allowlist',
        `names "${name}", not an optional module`,
      );
    }
  }
  for (const [policy, members] of Object.entries(config.policies)) {
    for (const name of members) {
      if (!OPTIONAL_MODULES.includes(name)) {
        throw new ConfigError(
          `config key policies.${policy}`,
          `names "${name}", not an optional module`,
        );
      }
    }
  }
  for (const name of Object.keys(config.legacyPorts)) {
    if (!MODULE_NAMES.includes(name)) {
      throw new ConfigError('config key legacyPorts', `names unknown module "${name}"`);
    }
  }
}

/** A provider key variable may never be one of VX11's own: it is sent to the provider's URL. */
function checkProviderKeyEnvs(config: AppConfig): void {
  config.providers.forEach((p, i) => {
    if (p.api_key_env && isReservedEnvName(p.api_key_env)) {
      throw new ConfigError(
        `config key providers[${i}].api_key_env`,
        `names ${p.api_key_env}, one of VX11's own variables; use another (e.g. ${PROVIDER_KEY_PREFIX}${p.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')})`,
      );
    }
  });
  for (const name of config.providerKeyEnvs) {
    if (isReservedEnvName(name)) {
      throw new ConfigError(
        'config key providerKeyEnvs',
        `names ${name}, one of VX11's own variables`,
      );
    }
  }
}

/**
 * Spawner programs are absolute executable paths under short names (a name mapped to null is
 * dropped, so a config file can remove a default); the env allowlist holds plain variable names
 * none of which is ever passed to a run.
 */
function checkSpawner(config: AppConfig): void {
  const spawner = config.spawner;
  const programs: Record<string, string> = {};
  for (const [name, path] of Object.entries(spawner.programs as Record<string, unknown>)) {
    if (path === null) continue;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/.test(name)) {
      throw new ConfigError('config key spawner.programs', `has an invalid program name "${name}"`);
    }
    if (typeof path !== 'string' || !isAbsolute(path)) {
      throw new ConfigError(
        `config key spawner.programs.${name}`,
        'must be an absolute path to an executable',
      );
    }
    programs[name] = path;
  }
  spawner.programs = programs;
  for (const name of spawner.envAllowlist) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name) || ENV_NEVER_PASSED_TO_RUNS.test(name)) {
      throw new ConfigError(
        'config key spawner.envAllowlist',
        `names "${name}", which a run may never be given`,
      );
    }
  }
  if (spawner.defaultTtlSec > spawner.maxTtlSec) {
    throw new ConfigError('config key spawner.defaultTtlSec', 'must not exceed spawner.maxTtlSec');
  }
}

/** Node refuses a headers timeout longer than the request timeout that includes it. */
function checkHttpTimeouts(config: AppConfig): void {
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError(
      'VX11_HEADERS_TIMEOUT_MS',
      `must not exceed VX11_REQUEST_TIMEOUT_MS (${config.http.requestTimeoutMs})`,
    );
  }
}

/**
 * Builds the effective configuration: config/default.json, then the optional JSON file named by
 * VX11_CONFIG_FILE, then the environment. Throws ConfigError naming the offending variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  let raw = readJson(join(PROJECT_ROOT, 'config', 'default.json'), 'config/default.json');
  const extraFile = env.VX11_CONFIG_FILE;
  if (extraFile) {
    if (!existsSync(extraFile))
      throw new ConfigError('VX11_CONFIG_FILE', `names a missing file: ${extraFile}`);
    raw = deepMerge(raw, readJson(extraFile, 'VX11_CONFIG_FILE'));
  }
  delete raw.token; // a token only ever comes from the environment or the generated token file
  for (const { env: name, path, parse } of ENV_OVERRIDES) {
    const value = env[name];
    if (value !== undefined) setPath(raw, path, parse(value, name));
  }

  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const { path, reason } = firstViolation(errors);
    throw new ConfigError(envNameFor(path) ?? `config key ${path}`, reason);
  }
  if (config.authMode === 'off' && !isLoopback(config.host)) {
    throw new ConfigError(
      'VX11_AUTH_MODE',
      `"off" is refused unless VX11_HOST is a loopback address (got ${config.host})`,
    );
  }
  if (!config.policies[config.defaultPolicy]) {
    throw new ConfigError(
      'VX11_DEFAULT_POLICY',
      `must be one of ${Object.keys(config.policies).join(', ')}`,
    );
  }
  checkModuleNames(config);
  checkHttpTimeouts(config);
  checkSpawner(config);
  checkProviderKeyEnvs(config);
  config.dataDir = isAbsolute(config.dataDir)
    ? config.dataDir
    : resolve(RUNTIME_BASE, config.dataDir);
  config.logsDir = isAbsolute(config.logsDir)
    ? config.logsDir
    : resolve(RUNTIME_BASE, config.logsDir);
  const workRoot = config.spawner.workRoot;
  config.spawner.workRoot = !workRoot
    ? join(config.dataDir, 'spawner-work')
    : isAbsolute(workRoot)
      ? workRoot
      : resolve(RUNTIME_BASE, workRoot);
  return config;
}
