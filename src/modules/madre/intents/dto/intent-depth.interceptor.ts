import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { AppConfig } from '../../../../core/config/app-config';
import { CoreErrors } from '../../../../core/errors/core-errors';
import { ApiError } from '../../../../core/errors/api-error';
import { nestsDeeperThan } from '../../../../core/util/nesting';

/**
 * Refuses an intent whose payload nests past intents.maxPayloadDepth before validation (the
 * validation pipe recurses once per level), naming the field.
 */
@Injectable()
export class IntentDepthInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const limit = this.config.intents.maxPayloadDepth;
    if (nestsDeeperThan(body, limit + 1)) {
      throw new ApiError(CoreErrors.validation_failed, 'Invalid fields: payload', [
        { field: 'payload', errors: [`payload must not nest deeper than ${limit} levels`] },
      ]);
    }
    return next.handle();
  }
}
