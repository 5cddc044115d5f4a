import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import { AppConfig } from '../config/app-config';
import { correlationIdFor } from '../correlation/correlation';
import { clientErrorHandler, frameworkErrors } from './framework-errors';

/** Longest path parameter the router takes (Fastify's default); longer is 414 uri_too_long. */
export const MAX_PARAM_LENGTH = 100;

/** How often Node looks for requests past their headers/request timeout. */
function checkingIntervalMs(config: AppConfig): number {
  return Math.max(50, Math.min(1000, Math.floor(config.http.headersTimeoutMs / 4)));
}

/**
 * The Fastify server: correlation ids as request ids, the body limit, the timeouts of
 * config.http, and Fastify's own errors (router, malformed HTTP) in the one error shape.
 * `return503OnClosing` is off: HttpDrain answers during shutdown, in the one shape.
 */
export function serverOptions(config: AppConfig): FastifyHttpOptions<Server> {
  return {
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false, // genReqId validates the incoming header itself
    genReqId: correlationIdFor,
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrors(MAX_PARAM_LENGTH),
    clientErrorHandler,
    // Headers and body must be in within these; a handler's own time is not bounded here (its
    // work is, by its own timeouts) and neither are live feeds, which are complete requests.
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionTimeout: 0,
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(config),
      requireHostHeader: false, // checked in onRequest, to answer in the one error shape
    },
  };
}
