import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { renderError } from './error-body';

/** The single exception filter: every error leaves in one shape, with the correlation id. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, internal } = renderError(exception, String(request.id));
    if (internal)
      this.logger.error({ err: internal, correlation_id: request.id }, 'Unhandled error');
    if (exception instanceof ApiError && exception.headers) void reply.headers(exception.headers);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
