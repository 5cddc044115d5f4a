import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { renderError } from '../errors/error-body';
import { MetricsService } from '../metrics/metrics.service';
import { RouteTable } from './route-table';

export const DOCS_PREFIX = '/docs';

/** Records every route as it is registered (must run before Nest registers its routes). */
export function recordRoutes(fastify: FastifyInstance, table: RouteTable): void {
  fastify.addHook('onRoute', (route) => table.add(route.method, route.url));
}

/**
 * Request-level hooks that need no Nest machinery: the duration histogram and auth for the
 * OpenAPI routes. (Fastify-level errors such as a bad body reach our exception filter through
 * Nest's own Fastify error handler.)
 */
export function installHttpHooks(
  fastify: FastifyInstance,
  metrics: MetricsService,
  auth: AuthService,
): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // The OpenAPI routes are registered outside Nest, so Nest's guard never sees them.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (!request.url.startsWith(DOCS_PREFIX)) return done();
    try {
      auth.assertAuthorized(request.headers);
      done();
    } catch (err) {
      const { status, body } = renderError(err, String(request.id));
      void reply.status(status).send(body);
    }
  });
}
