import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { presentedToken, tokensMatch } from './token-verifier';

/** Extra credentials a later module may accept (e.g. short-lived SSE tokens). */
export type CredentialCheck = (presented: string) => boolean;

/** Decides whether a request's headers carry the operator token. */
@Injectable()
export class AuthService {
  private feedCredential: CredentialCheck | undefined;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.authMode === 'token';
  }

  isValid(presented: string): boolean {
    return this.config.token !== undefined && tokensMatch(presented, this.config.token);
  }

  /** Throws 401 auth_required without a token, 403 forbidden with a wrong one. */
  assertAuthorized(headers: IncomingHttpHeaders, alsoAccept?: CredentialCheck): void {
    if (!this.enabled) return;
    this.check(
      presentedToken(headers),
      alsoAccept,
      'Send the token in X-VX11-Token or Authorization: Bearer',
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
  assertFeedAuthorized(headers: IncomingHttpHeaders, fromQuery: string | undefined): void {
    if (!this.enabled) return;
    this.check(
      presentedToken(headers) ?? fromQuery,
      this.feedCredential,
      'Send the token in X-VX11-Token, Authorization: Bearer or ?token=',
    );
  }

  private check(
    presented: string | undefined,
    alsoAccept: CredentialCheck | undefined,
    hint: string,
  ) {
    if (presented === undefined) throw new ApiError(401, 'auth_required', hint);
    if (!this.isValid(presented) && !alsoAccept?.(presented)) {
      throw new ApiError(403, 'forbidden', 'The token is not valid');
    }
  }
}
