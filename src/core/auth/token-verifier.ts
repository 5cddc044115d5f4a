import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const TOKEN_HEADER = 'x-vx11-token';

/** Reads the token from `X-VX11-Token` or `Authorization: Bearer <t>`. */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers[TOKEN_HEADER];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
    const bearer = auth.slice(7).trim();
    return bearer.length > 0 ? bearer : undefined;
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison; hashing first makes the length of either side irrelevant. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
