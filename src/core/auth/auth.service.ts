import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { presentedToken, tokensMatch } from './token-verifier';
import { CoreErrors } from '../errors/core-errors';
import { assertLoopbackRequest } from './loopback-only';

/** Extra credentials a later module may accept (e.g. short-lived SSE tokens). */
export type CredentialCheck = (presented: string) => boolean;

/**
 * Decides whether a request carries the operator token. The one place tokens are checked: the
 * HTTP onRequest hook (src/core/http/fastify-hooks.ts) and the WebSocket upgrade call it.
 * Given the caller's address, wrong tokens count towards the failed-auth limit.
 */
@Injectable()
export class AuthService {
  private feedCredential: CredentialCheck | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly failures: AuthFailureLimiter,
  ) {}

  get enabled(): boolean {
    return this.config.authMode === 'token';
  }

  isValid(presented: string): boolean {
    return this.config.token !== undefined && tokensMatch(presented, this.config.token);
  }

  /**
   * Throws 401 auth_required without a token, 403 forbidden with a wrong one, 429 while the
   * client address is refused for too many wrong tokens. With auth mode off: 403 unless the
   * request names a loopback host and comes from no foreign page (loopback-only.ts).
   */
  assertAuthorized(headers: IncomingHttpHeaders, client?: string): void {
    if (!this.enabled) return assertLoopbackRequest(headers);
    this.check(
      presentedToken(headers),
      undefined,
      'Send the token in X-VX11-Token or Authorization: Bearer',
      client,
    );
  }

  /** The events module registers its short-lived feed tokens here; they count on feeds only. */
  acceptOnFeeds(check: CredentialCheck): void {
    this.feedCredential = check;
  }

  /**
   * Auth for the live feeds (WS /ws, SSE): the token from the headers or, because EventSource
   * and browser WebSockets cannot send headers, from `?token=`; either the operator token or a
   * feed token.
   */
  assertFeedAuthorized(
    headers: IncomingHttpHeaders,
    fromQuery: string | undefined,
    client?: string,
  ): void {
    if (!this.enabled) return assertLoopbackRequest(headers);
    this.check(
      presentedToken(headers) ?? fromQuery,
      this.feedCredential,
      'Send the token in X-VX11-Token, Authorization: Bearer or ?token=',
      client,
    );
  }

  private check(
    presented: string | undefined,
    alsoAccept: CredentialCheck | undefined,
    hint: string,
    client: string | undefined,
  ) {
    // A refused address is not told whether its token is right: that is what it is guessing.
    const wait = client === undefined ? 0 : this.failures.retryAfterSec(client);
    if (wait > 0) {
      throw new ApiError(
        CoreErrors.too_many_auth_failures,
        `Too many wrong tokens from this address; retry in ${wait} s`,
        undefined,
        { retry_after: wait },
        { 'retry-after': String(wait) },
      );
    }
    if (presented === undefined) throw new ApiError(CoreErrors.auth_required, hint);
    if (!this.isValid(presented) && !alsoAccept?.(presented)) {
      if (client !== undefined) this.failures.recordFailure(client);
      throw new ApiError(CoreErrors.forbidden, 'The token is not valid');
    }
  }
}
