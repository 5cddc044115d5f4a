import { confirmTokenMatches, hashConfirmToken, newConfirmToken } from './confirm-token';

describe('confirm tokens', () => {
  it('keeps only a sha256 of a fresh random token', () => {
    const a = newConfirmToken();
    const b = newConfirmToken();
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashConfirmToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });

  it('matches only the token it was made from', () => {
    const { token, hash } = newConfirmToken();
    expect(confirmTokenMatches(token, hash)).toBe(true);
    expect(confirmTokenMatches(`${token}x`, hash)).toBe(false);
    expect(confirmTokenMatches(token, null)).toBe(false);
    expect(confirmTokenMatches(token, 'abc')).toBe(false);
  });
});
