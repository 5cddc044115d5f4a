import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveToken, TOKEN_FILE_NAME } from './token-file';

describe('resolveToken', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (path: string) => statSync(path).mode & 0o777;

  it('generates a strong token into <dataDir>/.vx11_token with mode 0600', () => {
    const dataDir = join(dir, 'nested', 'data'); // created on demand
    const resolved = resolveToken(undefined, dataDir);
    const path = join(dataDir, TOKEN_FILE_NAME);
    expect(resolved).toEqual({ token: expect.any(String), source: 'generated', path });
    expect(resolved.token.length).toBeGreaterThanOrEqual(32);
    expect(resolved.token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readFileSync(path, 'utf8').trim()).toBe(resolved.token);
    expect(mode(path)).toBe(0o600);
  });

  it('generates a different token for each new data dir', () => {
    const a = resolveToken(undefined, join(dir, 'a')).token;
    const b = resolveToken(undefined, join(dir, 'b')).token;
    expect(a).not.toBe(b);
  });

  it('reuses the stored token on the next call', () => {
    const first = resolveToken(undefined, dir);
    const second = resolveToken(undefined, dir);
    expect(second).toEqual({ token: first.token, source: 'file', path: first.path });
    expect(mode(first.path!)).toBe(0o600);
  });

  it('tightens the mode of an existing token file to 0600', () => {
    const path = join(dir, TOKEN_FILE_NAME);
    writeFileSync(path, 'an-existing-token-0123456789abcdef\n', { mode: 0o644 });
    const resolved = resolveToken(undefined, dir);
    expect(resolved).toMatchObject({ token: 'an-existing-token-0123456789abcdef', source: 'file' });
    expect(mode(path)).toBe(0o600);
  });

  it('replaces a stored token that is too short to be safe', () => {
    const path = join(dir, TOKEN_FILE_NAME);
    writeFileSync(path, 'short\n', { mode: 0o600 });
    const resolved = resolveToken(undefined, dir);
    expect(resolved.source).toBe('generated');
    expect(resolved.token.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path, 'utf8').trim()).toBe(resolved.token);
  });

  it('lets VX11_TOKEN win and leaves the data dir untouched', () => {
    const stored = resolveToken(undefined, dir);
    const resolved = resolveToken('the-env-token-0123456789', dir);
    expect(resolved).toEqual({ token: 'the-env-token-0123456789', source: 'env' });
    expect(readFileSync(stored.path!, 'utf8').trim()).toBe(stored.token);

    const fresh = join(dir, 'fresh');
    resolveToken('the-env-token-0123456789', fresh);
    expect(() => statSync(join(fresh, TOKEN_FILE_NAME))).toThrow();
  });
});
