import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const TOKEN_HEADER = 'x-vx11-token';

/** `Bearer <token>`; the scheme name is case-insensitive (RFC 7235 §2.1). */
const BEARER = /^bearer[ \t]+(.*)$/i;

/** Reads the token from `X-VX11-Token` or `Authorization: Bearer <t>`. */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers[TOKEN_HEADER];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const auth = headers.authorization;
  const bearer = typeof auth === 'string' ? BEARER.exec(auth)?.[1].trim() : undefined;
  return bearer ? bearer : undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison; hashing first makes the length of either side irrelevant. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
