import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteTable } from '../http/route-table';
import { ApiError } from './api-error';
import { replyWithError } from './reply-error';
import { CoreErrors } from './core-errors';

/** Longest stretch of a request path a 404 message repeats. */
const ECHOED_PATH_CHARS = 120;

/** The path without its query string (which may carry a token), cut to a readable length. */
function echoedPath(url: string): string {
  const path = url.split('?', 1)[0];
  return path.length > ECHOED_PATH_CHARS ? `${path.slice(0, ECHOED_PATH_CHARS)}…` : path;
}

/**
 * No route matched: 405 with `Allow` when the path exists under other methods, else 404.
 * (Nest's own message, "Cannot GET <url>", would repeat the query string.)
 */
function routeMiss(request: FastifyRequest, routes: RouteTable | undefined): ApiError {
  const path = request.url.split('?', 1)[0];
  const allowed = routes?.methodsAt(path) ?? [];
  if (allowed.length > 0 && !allowed.includes(request.method)) {
    return new ApiError(
      CoreErrors.method_not_allowed,
      `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`,
      undefined,
      { allowed_methods: allowed },
      { allow: allowed.join(', ') },
    );
  }
  return new ApiError(CoreErrors.not_found, `No route for ${request.method} ${echoedPath(path)}`);
}

/** The single exception filter: every error leaves in one shape, with the correlation id. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** `routes` lets an unmatched request learn the methods its path does serve (405). */
  constructor(private readonly routes?: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const err =
      exception instanceof NotFoundException && request.is404
        ? routeMiss(request, this.routes)
        : exception;
    const { internal } = replyWithError(reply, err, String(request.id));
    if (internal)
      this.logger.error({ err: internal, correlation_id: request.id }, 'Unhandled error');
  }
}
