import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh confirm token (returned once) and the only thing kept of it: its sha256. */
export function newConfirmToken(): { token: string; hash: string } {
  const token = `vx11c_${randomBytes(24).toString('base64url')}`;
  return { token, hash: hashConfirmToken(token) };
}

export function hashConfirmToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token with a stored hash. */
export function confirmTokenMatches(token: string, hash: string | null): boolean {
  if (!hash) return false;
  const a = Buffer.from(hashConfirmToken(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
