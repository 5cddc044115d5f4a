import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../src/core/config/app-config';
import type { HumanLogName } from '../../src/core/logging/human-log.service';

/**
 * Environment naming a temp JSON config merged over the defaults (for keys that have no
 * environment variable, e.g. a sub-second health interval). Call `cleanup` when done.
 */
export function configFileEnv(overrides: object): {
  env: Record<string, string>;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'vx11-cfg-'));
  const file = join(dir, 'vx11.json');
  writeFileSync(file, JSON.stringify(overrides));
  return {
    env: { VX11_CONFIG_FILE: file },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The lines of one human log so far ('' while it does not exist yet). */
export function humanLogText(config: AppConfig, name: HumanLogName): string {
  const file = join(config.logsDir, `${name}.log`);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** `[ISO-8601 with one Z] EVENT: message` (CONTRACT §2). */
export const HUMAN_LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] [A-Z][A-Z ]*: .*$/;
