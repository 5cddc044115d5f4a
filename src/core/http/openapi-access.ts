import type { FastifyInstance } from 'fastify';
import { FEED_ROUTE } from '../auth/feed-route.decorator';
import { PUBLIC_ROUTE, PublicWhen } from '../auth/public.decorator';

/** What the token check of a route says (its Fastify config): the document mirrors it. */
interface RouteAccess {
  public?: PublicWhen;
  feed: boolean;
}

/**
 * The access rules of every route as Fastify registers it (the same config the onRequest token
 * check reads), so the document marks public routes by the rule that serves them, not by a
 * second list. Must be created before Nest registers its routes.
 */
export class RouteAccessLog {
  private readonly routes = new Map<string, RouteAccess>();

  static attach(fastify: FastifyInstance): RouteAccessLog {
    const log = new RouteAccessLog();
    fastify.addHook('onRoute', (route) => {
      const config = (route.config ?? {}) as Record<string, unknown>;
      const access: RouteAccess = {
        public: config[PUBLIC_ROUTE] as PublicWhen | undefined,
        feed: config[FEED_ROUTE] !== undefined,
      };
      for (const method of [route.method].flat()) log.routes.set(`${method} ${route.url}`, access);
    });
    return log;
  }

  /** The access of `GET /operator/session/{id}` (an OpenAPI path); undefined if unknown. */
  of(method: string, openApiPath: string): RouteAccess | undefined {
    const url = openApiPath.replace(/\{([^}]+)\}/g, ':$1');
    return this.routes.get(`${method.toUpperCase()} ${url}`);
  }
}
