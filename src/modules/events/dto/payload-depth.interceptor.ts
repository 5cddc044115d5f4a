import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { ApiError } from '../../../core/errors/api-error';
import { nestsDeeperThan } from '../../../core/util/nesting';

/** How deeply objects and arrays may nest inside an event payload. */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * Refuses a too-deeply nested payload before validation: the validation pipe's transformer
 * recurses once per level and would overflow the stack (a 500) on a document like
 * `[[[[…]]]]` that is small enough to pass the body limit. Interceptors run before pipes.
 */
@Injectable()
export class PayloadDepthInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    // the body itself is one level above the payload
    if (nestsDeeperThan(body, MAX_PAYLOAD_DEPTH + 1)) {
      throw new ApiError(400, 'validation_failed', 'Invalid fields: payload', [
        {
          field: 'payload',
          errors: [`payload must not nest deeper than ${MAX_PAYLOAD_DEPTH} levels`],
        },
      ]);
    }
    return next.handle();
  }
}
