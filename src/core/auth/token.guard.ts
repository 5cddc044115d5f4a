import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { AuthService } from './auth.service';
import { FEED_ROUTE, FeedWhen, queryToken } from './feed-route.decorator';
import { PUBLIC_ROUTE, PublicWhen } from './public.decorator';

/** Global guard: every route needs the token unless marked @Public(); feeds also take ?token=. */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const publicWhen = this.reflector.getAllAndOverride<PublicWhen | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (publicWhen?.(this.config)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const feedWhen = this.reflector.getAllAndOverride<FeedWhen | undefined>(FEED_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (feedWhen?.(request.headers)) {
      this.auth.assertFeedAuthorized(request.headers, queryToken(request.url));
    } else {
      this.auth.assertAuthorized(request.headers);
    }
    return true;
  }
}
