import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { FEED_ROUTE, FeedWhen, queryToken } from '../auth/feed-route.decorator';
import { PUBLIC_ROUTE, PublicWhen } from '../auth/public.decorator';
import { AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { replyWithError } from '../errors/reply-error';
import { createProcessLogger, requestLineLogger, rootLoggerOf } from '../logging/pino-options';
import { MetricsService } from '../metrics/metrics.service';
import { BusyPoll, busyPollQuietUs } from './busy-poll';
import { HttpDrain, SERVED_WHILE_DRAINING } from './http-drain';
import { installRequestContext } from './request-context';
import { BODY_CHECK, BodyCheck, routeConfigOf } from './route-config';
import { RouteTable } from './route-table';
import { CoreErrors } from '../errors/core-errors';

/** What a client is told to wait after a 503 during shutdown (a restart takes seconds). */
export const SHUTDOWN_RETRY_AFTER_SEC = 5;

/** Records every route as it is registered (must run before Nest registers its routes). */
export function recordRoutes(fastify: FastifyInstance, table: RouteTable): void {
  fastify.addHook('onRoute', (route) => table.add(route.method, route.url));
}

/**
 * Marks routes registered outside Nest (where @Public() cannot reach) as public, by URL, for
 * GET and HEAD. Must run before they are registered.
 */
export function declarePublicRoutes(fastify: FastifyInstance, urls: readonly string[]): void {
  const always: PublicWhen = () => true;
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (urls.includes(route.url) && methods.every((m) => m === 'GET' || m === 'HEAD')) {
      route.config = { ...(route.config as object), [PUBLIC_ROUTE]: always };
    }
  });
}

/**
 * Gives each route declaring a body check (@CheckBody) its own preHandler hook running it;
 * other routes get nothing. Must run before the routes are registered.
 */
export function installBodyChecks(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const check = (route.config as Record<string, unknown> | undefined)?.[BODY_CHECK] as
      BodyCheck | undefined;
    if (typeof check !== 'function') return;
    const own = route.preHandler;
    const existing = own === undefined ? [] : Array.isArray(own) ? own : [own];
    const run = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      try {
        check(request.body);
      } catch (err) {
        replyWithError(reply, err, String(request.id)); // the body is read: keep the connection
        return;
      }
      done();
    };
    route.preHandler = [...existing, run];
  });
}

export interface HttpHookDeps {
  config: AppConfig;
  auth: AuthService;
  drain: HttpDrain;
  metrics: MetricsService;
}

/** Whether a body is announced: a refusal leaves it unread, so close rather than drain it. */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  );
}

function refuse(request: FastifyRequest, reply: FastifyReply, err: unknown): void {
  const headers: Record<string, string> = hasBody(request) ? { connection: 'close' } : {};
  replyWithError(reply, err, String(request.id), headers);
}

/**
 * What every request goes through before its body is read (onRequest): its correlation scope
 * and request line (request-context.ts), the Host header, the shutdown drain, then the token —
 * the one place tokens are checked for HTTP routes — or, with auth mode off, the loopback-only
 * check of Host and Origin (every request). The route's Fastify config says whether it is
 * public (@Public()) or a live feed (@FeedRoute()); an unmatched request needs no token and
 * gets its 404/405 from the exception filter.
 */
export function installHttpHooks(fastify: FastifyInstance, deps: HttpHookDeps): void {
  const { auth, drain, metrics, config } = deps;
  const root = rootLoggerOf(config) ?? createProcessLogger(config.logLevel, 1);
  installRequestContext(fastify, root, requestLineLogger(root)); // first: the rest runs in it
  installBodyChecks(fastify);
  const poll = new BusyPoll(busyPollQuietUs(config.http.busyPollUs));

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  fastify.addHook('preClose', (done) => {
    drain.begin();
    done();
  });

  // While draining, every answer tells keep-alive clients to go (and Node then closes).
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (drain.draining) void reply.header('connection', 'close');
    done(null, payload);
  });

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    poll.wake();
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (Node's own has no body).
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      return refuse(
        request,
        reply,
        new ApiError(CoreErrors.missing_host, 'The Host header is required'),
      );
    }
    const route = routeConfigOf(request);
    if (drain.draining && route[SERVED_WHILE_DRAINING] !== true) {
      return refuse(
        request,
        reply,
        new ApiError(
          CoreErrors.shutting_down,
          'VX11 is shutting down; retry shortly',
          undefined,
          { retry_after: SHUTDOWN_RETRY_AFTER_SEC },
          { 'retry-after': String(SHUTDOWN_RETRY_AFTER_SEC), connection: 'close' },
        ),
      );
    }
    if (!auth.enabled) {
      try {
        auth.assertAuthorized(request.headers); // auth off: loopback Host and Origin only
      } catch (err) {
        return refuse(request, reply, err);
      }
      return done();
    }
    if (request.is404) return done();
    if ((route[PUBLIC_ROUTE] as PublicWhen | undefined)?.(config)) return done();
    try {
      if ((route[FEED_ROUTE] as FeedWhen | undefined)?.(request.headers)) {
        auth.assertFeedAuthorized(request.headers, queryToken(request.url), request.ip);
      } else {
        auth.assertAuthorized(request.headers, request.ip);
      }
    } catch (err) {
      return refuse(request, reply, err);
    }
    done();
  });
}
