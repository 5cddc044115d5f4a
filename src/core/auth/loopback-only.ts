import type { IncomingHttpHeaders } from 'node:http';
import { isLoopback } from '../config/loopback';
import { ApiError } from '../errors/api-error';
import { CoreErrors } from '../errors/core-errors';

/** The host part of a Host header or of an origin's authority: no port, IPv6 unbracketed. */
export function hostnameOf(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return end < 0 ? authority : authority.slice(1, end).toLowerCase();
  }
  const colon = authority.indexOf(':');
  return (colon < 0 ? authority : authority.slice(0, colon)).toLowerCase();
}

function originAuthority(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // "null" (a sandboxed page, a file) or garbage
  }
}

/**
 * With auth mode off nothing but the listening address protects VX11, and a web page the
 * operator opens could still reach it through their browser: by DNS rebinding (its own name
 * resolving to 127.0.0.1, so the Host header names it) or by a cross-site request (its page in
 * Origin). So a request must name a loopback host, and one a browser sent from a page must come
 * from VX11's own origin. Throws the 403 to answer otherwise.
 */
export function assertLoopbackRequest(headers: IncomingHttpHeaders): void {
  const host = headers.host ?? '';
  if (!isLoopback(hostnameOf(host))) {
    throw new ApiError(
      CoreErrors.forbidden,
      'With auth mode off, VX11 answers only requests addressed to a loopback name (localhost, 127.0.0.1 or [::1])',
    );
  }
  const origin = headers.origin;
  if (origin !== undefined && originAuthority(origin)?.toLowerCase() !== host.toLowerCase()) {
    throw new ApiError(
      CoreErrors.forbidden,
      'With auth mode off, VX11 answers browser requests only from its own pages (Origin must match Host)',
    );
  }
}
