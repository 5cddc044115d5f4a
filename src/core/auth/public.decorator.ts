import type { AppConfig } from '../config/app-config';
import { withRouteConfig } from '../http/route-config';

export const PUBLIC_ROUTE = 'vx11:public';

/** A predicate deciding at request time whether the route is public (e.g. metricsPublic). */
export type PublicWhen = (config: AppConfig) => boolean;

/**
 * Marks a route as reachable without the token. Only CONTRACT §2's public routes use it. It
 * lands in the Fastify route config, where the onRequest token check reads it.
 */
export const Public = (when: PublicWhen = () => true) => withRouteConfig({ [PUBLIC_ROUTE]: when });
