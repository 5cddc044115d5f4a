import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = '.vx11_token';

export interface ResolvedToken {
  token: string;
  source: 'env' | 'file' | 'generated';
  path?: string;
}

/**
 * The token in force when auth mode is `token`: VX11_TOKEN if set, else the one kept in
 * <dataDir>/.vx11_token, else a new random one written there with mode 0600.
 */
export function resolveToken(envToken: string | undefined, dataDir: string): ResolvedToken {
  if (envToken) return { token: envToken, source: 'env' };
  const path = join(dataDir, TOKEN_FILE_NAME);
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 16) {
      chmodSync(path, 0o600);
      return { token, source: 'file', path };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, source: 'generated', path };
}
