import 'reflect-metadata';
import { ApiError } from '../../core/errors/api-error';
import { RUN_MARKER_ENV } from './process-tree';
import { checkEnvOverlay, runEnvironment } from './run-env';

const ALLOW = ['LANG', 'TZ', 'GREETING'];

function refusal(env: unknown, allowlist: string[] = ALLOW): ApiError {
  try {
    checkEnvOverlay(env, allowlist);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('checkEnvOverlay', () => {
  it('passes allowlisted string variables through', () => {
    expect(checkEnvOverlay({ TZ: 'UTC', GREETING: 'hi there' }, ALLOW)).toEqual({
      TZ: 'UTC',
      GREETING: 'hi there',
    });
    expect(checkEnvOverlay(undefined, ALLOW)).toEqual({});
  });

  it('refuses a variable that is not allowlisted and names it', () => {
    const err = refusal({ TZ: 'UTC', SECRET: 'x' });
    expect(err.status).toBe(400);
    expect(err.code).toBe('env_not_allowed');
    expect(err.message).toContain('SECRET');
    expect(err.details).toEqual([
      { field: 'env.SECRET', errors: [expect.stringContaining('not in spawner.envAllowlist')] },
    ]);
  });

  it('refuses loader and interpreter hooks even when an allowlist names them', () => {
    for (const name of [
      'LD_PRELOAD',
      'LD_LIBRARY_PATH',
      'NODE_OPTIONS',
      'PYTHONPATH',
      'BASH_ENV',
      'PATH',
      'VX11_TOKEN',
    ]) {
      const err = refusal({ [name]: 'x' }, [...ALLOW, name]);
      expect(err.details).toEqual([
        { field: `env.${name}`, errors: [`${name} is never passed to a run`] },
      ]);
    }
  });

  it('refuses non-string values, NUL bytes and malformed names', () => {
    expect(refusal({ TZ: 3 }).details).toEqual([
      { field: 'env.TZ', errors: [expect.stringContaining('must be a string')] },
    ]);
    expect(refusal({ TZ: 'a\0b' }).status).toBe(400);
    expect(refusal({ 'A=B': 'x' }).status).toBe(400);
    expect(refusal(['TZ']).code).toBe('validation_failed');
  });

  it('refuses more than 32 variables', () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`V${i}`, 'x']));
    expect(refusal(many).message).toContain('at most 32');
  });
});

describe('runEnvironment', () => {
  it('gives a run PATH, HOME, the overlay and its marker, and none of the server secrets', () => {
    const env = runEnvironment({ TZ: 'UTC' }, 'run-1', '/work', {
      PATH: '/usr/bin',
      VX11_TOKEN: 'secret-token-0123456789',
      REDIS_URL: 'redis://:pw@h',
      LANG: 'C.UTF-8',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/work',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      [RUN_MARKER_ENV]: 'run-1',
    });
  });

  it('keeps the marker even if an overlay tried to set it', () => {
    const env = runEnvironment({ [RUN_MARKER_ENV]: 'other' }, 'run-2', '/w', {});
    expect(env[RUN_MARKER_ENV]).toBe('run-2');
  });
});
