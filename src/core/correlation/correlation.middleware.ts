import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER, correlationStorage, currentCorrelationId } from './correlation';

/**
 * Echoes the correlation id and opens its AsyncLocalStorage scope — unless the Fastify
 * onRequest hook (core/http/request-context.ts) already did, which it does for every request.
 * Kept only so that a module still applying it keeps working; applying it costs middie on
 * every request (≈ 8–10 µs measured), so nothing should.
 */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void {
    const correlationId = String(req.id);
    if (currentCorrelationId() === correlationId) return next();
    res.setHeader(CORRELATION_HEADER, correlationId);
    correlationStorage.run({ correlationId }, next);
  }
}
