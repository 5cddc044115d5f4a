import { accessSync, constants, statfsSync } from 'node:fs';
import type { AppConfig } from '../../../core/config/app-config';

export interface SanityFinding {
  check: string;
  ok: boolean;
  detail: string;
}

/** Below this share of free disk space under the data dir, backups are at risk. */
const MIN_FREE_DISK = 0.05;

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Things a valid config can still get wrong at run time: directories VX11 cannot write, a
 * provider whose API key variable is unset, a full disk, a check timeout longer than the cycle.
 * Names variables, never their values.
 */
export function configSanity(
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
): SanityFinding[] {
  const findings: SanityFinding[] = [
    {
      check: 'auth',
      ok: config.authMode === 'off' || config.token !== undefined,
      detail: config.authMode === 'off' ? 'auth off (loopback only)' : 'token auth',
    },
    { check: 'data_dir', ok: writable(config.dataDir), detail: `${config.dataDir} writable` },
    { check: 'logs_dir', ok: writable(config.logsDir), detail: `${config.logsDir} writable` },
  ];
  const missingKeys = config.providers
    .filter((p) => p.api_key_env && !env[p.api_key_env])
    .map((p) => `${p.name} (${p.api_key_env})`);
  findings.push({
    check: 'providers',
    ok: missingKeys.length === 0,
    detail:
      missingKeys.length === 0
        ? `${config.providers.length} configured`
        : `API key variable unset for ${missingKeys.join(', ')}`,
  });
  try {
    const fs = statfsSync(config.dataDir);
    const free = fs.bavail / fs.blocks;
    findings.push({
      check: 'disk',
      ok: free >= MIN_FREE_DISK,
      detail: `${Math.round(free * 100)}% free under the data dir`,
    });
  } catch (err) {
    findings.push({ check: 'disk', ok: false, detail: (err as Error).message });
  }
  const cycleMs = config.health.intervalSec * 1000;
  findings.push({
    check: 'health_timing',
    ok: config.health.checkTimeoutMs < cycleMs,
    detail: `check timeout ${config.health.checkTimeoutMs} ms, cycle ${cycleMs} ms`,
  });
  return findings;
}
