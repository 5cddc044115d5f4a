import { ApiError } from '../../../core/errors/api-error';
import { nestsDeeperThan } from '../../../core/util/nesting';
import { CoreErrors } from '../../../core/errors/core-errors';

/** How deeply objects and arrays may nest inside an event payload. */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * Refuses a too-deeply nested payload before validation: the validation pipe's transformer
 * recurses once per level and would overflow the stack (a 500) on a document like
 * `[[[[…]]]]` that is small enough to pass the body limit. Run by a Fastify preHandler hook
 * (@CheckBody), so before any pipe — and without the cost of a Nest interceptor.
 */
export function refuseDeepPayload(body: unknown): void {
  // the body itself is one level above the payload
  if (nestsDeeperThan(body, MAX_PAYLOAD_DEPTH + 1)) {
    throw new ApiError(CoreErrors.validation_failed, 'Invalid fields: payload', [
      {
        field: 'payload',
        errors: [`payload must not nest deeper than ${MAX_PAYLOAD_DEPTH} levels`],
      },
    ]);
  }
}
