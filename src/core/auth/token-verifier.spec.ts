import { timingSafeEqual } from 'node:crypto';
import { presentedToken, tokensMatch } from './token-verifier';

// Wrap the real timingSafeEqual so the test can see how tokensMatch calls it.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

describe('presentedToken', () => {
  it('reads X-VX11-Token', () => {
    expect(presentedToken({ 'x-vx11-token': 'abc-token' })).toBe('abc-token');
  });

  it('reads Authorization: Bearer', () => {
    expect(presentedToken({ authorization: 'Bearer abc-token' })).toBe('abc-token');
    expect(presentedToken({ authorization: 'Bearer   padded  ' })).toBe('padded');
  });

  it('takes the Bearer scheme name in any case (RFC 7235)', () => {
    expect(presentedToken({ authorization: 'bearer abc-token' })).toBe('abc-token');
    expect(presentedToken({ authorization: 'BEARER\tabc-token' })).toBe('abc-token');
    expect(presentedToken({ authorization: 'Bearerabc-token' })).toBeUndefined();
  });

  it('prefers X-VX11-Token over Authorization', () => {
    expect(presentedToken({ 'x-vx11-token': 'direct', authorization: 'Bearer other' })).toBe(
      'direct',
    );
  });

  it('returns undefined when no token is presented', () => {
    expect(presentedToken({})).toBeUndefined();
    expect(presentedToken({ 'x-vx11-token': '' })).toBeUndefined();
    expect(presentedToken({ authorization: 'Bearer ' })).toBeUndefined();
    expect(presentedToken({ authorization: 'Bearer    ' })).toBeUndefined();
    expect(presentedToken({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(presentedToken({ authorization: 'abc-token' })).toBeUndefined();
  });

  it('falls back to Bearer when X-VX11-Token is empty', () => {
    expect(presentedToken({ 'x-vx11-token': '', authorization: 'Bearer b' })).toBe('b');
  });
});

describe('tokensMatch', () => {
  const expected = 'the-right-token-0123456789abcdef';

  it('accepts the right token', () => {
    expect(tokensMatch(expected, expected)).toBe(true);
  });

  it('refuses a wrong token of the same length', () => {
    const wrong = `${expected.slice(0, -1)}X`;
    expect(wrong).toHaveLength(expected.length);
    expect(tokensMatch(wrong, expected)).toBe(false);
  });

  it('refuses tokens of a different length without throwing', () => {
    expect(tokensMatch(expected.slice(0, -1), expected)).toBe(false);
    expect(tokensMatch(`${expected}x`, expected)).toBe(false);
    expect(tokensMatch('', expected)).toBe(false);
    expect(tokensMatch('x'.repeat(10_000), expected)).toBe(false);
  });

  it('refuses a token that only starts with the right one, or is cut inside a character', () => {
    expect(tokensMatch(`${expected}\u0000`, expected)).toBe(false);
    expect(tokensMatch(`${expected}é`, expected)).toBe(false);
    const wide = 'tökén-ü-€-😀';
    expect(tokensMatch(wide, wide)).toBe(true);
    expect(tokensMatch(wide.slice(0, -1), wide)).toBe(false);
    expect(tokensMatch('tökén-ü-€-😁', wide)).toBe(false);
    expect(tokensMatch(expected, expected)).toBe(true); // back to the first token
  });

  it('compares with crypto.timingSafeEqual on equal-length buffers', () => {
    const spy = timingSafeEqual as jest.MockedFunction<typeof timingSafeEqual>;
    spy.mockClear();
    expect(tokensMatch('short', expected)).toBe(false);
    expect(tokensMatch(expected, expected)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe((b as Buffer).length);
    }
  });
});
