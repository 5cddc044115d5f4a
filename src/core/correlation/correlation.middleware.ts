import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER, correlationStorage } from './correlation';

/**
 * Echoes the correlation id and opens its AsyncLocalStorage scope. Done here rather than in an
 * interceptor: a global interceptor costs ~60 µs per request on Node 20.
 */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void {
    const correlationId = String(req.id);
    res.setHeader(CORRELATION_HEADER, correlationId);
    correlationStorage.run({ correlationId }, next);
  }
}
