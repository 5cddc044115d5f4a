import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyRequest } from 'fastify';

/**
 * What VX11 attaches to a route for its Fastify hooks: they run before Nest (and before the
 * body is read), so they cannot ask Nest's Reflector; Fastify hands them the route's `config`.
 */
export type Vx11RouteConfig = Record<string, unknown>;

type Target = object | ((...args: never[]) => unknown);

function merge(handler: Target, entries: Vx11RouteConfig): void {
  const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ??
    {}) as Vx11RouteConfig;
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...entries }, handler);
}

/**
 * Adds entries to the Fastify route config of a handler (or of every handler of a class).
 * Unlike Nest's @RouteConfig, several of these compose: each merges into what is there.
 */
export function withRouteConfig(entries: Vx11RouteConfig): MethodDecorator & ClassDecorator {
  return ((target: Target, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      merge(descriptor.value as Target, entries);
      return descriptor;
    }
    const proto = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (name !== 'constructor' && typeof method === 'function') merge(method, entries);
    }
    return undefined;
  }) as MethodDecorator & ClassDecorator;
}

/** The matched route's config (an unmatched request has Fastify's 404 config: no entries). */
export function routeConfigOf(request: FastifyRequest): Vx11RouteConfig {
  return (request.routeOptions.config ?? {}) as unknown as Vx11RouteConfig;
}

/** Route config key of a route's body check (see CheckBody). */
export const BODY_CHECK = 'vx11.bodyCheck';

/** Throws (an ApiError, answered in the one error shape) when the parsed body is refused. */
export type BodyCheck = (body: unknown) => void;

/**
 * A check of the parsed body run by a route-level Fastify preHandler hook, before any Nest
 * interceptor or pipe (e.g. a nesting limit the validation pipe's transformer must not meet).
 * Unlike a Nest interceptor (~60 µs per request on Node 20, AsyncResource.bind and an rxjs
 * Observable), it costs one function call, and nothing on routes without one.
 */
export function CheckBody(check: BodyCheck): MethodDecorator & ClassDecorator {
  return withRouteConfig({ [BODY_CHECK]: check });
}
