import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { nestsDeeperThan } from '../util/nesting';
import { ApiError } from './api-error';
import { CoreErrors } from './core-errors';

export interface FieldError {
  field: string;
  errors: string[];
}

/** class-validator's nested errors as one list of fields, each with its messages. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** The one 400 for invalid input: every offending field named, with its messages. */
export function invalidFields(details: FieldError[]): ApiError {
  const names = [...new Set(details.map((d) => d.field))].join(', ');
  return new ApiError(CoreErrors.validation_failed, `Invalid fields: ${names}`, details);
}

/** Deeper bodies are refused before validation, whose transformer recurses once per level. */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses absurdly nested input with a 400 instead of letting it overflow the stack (a 500).
 * A value with no class to validate against (a hand-checked body, a raw param) is answered
 * without a promise: this pipe runs for every such param of every request (bench/README.md,
 * item 32); what ValidationPipe does with it then is the same.
 */
class DepthCheckedValidationPipe extends ValidationPipe {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ValidationPipe's own type
  override transform(value: unknown, metadata: ArgumentMetadata): any {
    if (nestsDeeperThan(value, MAX_BODY_DEPTH)) {
      throw new ApiError(
        CoreErrors.body_too_deep,
        `Input must not nest deeper than ${MAX_BODY_DEPTH} levels`,
      );
    }
    const typed = this.expectedType ? { ...metadata, metatype: this.expectedType } : metadata;
    if (!typed.metatype || !this.toValidate(typed)) {
      return this.isTransformEnabled ? this.transformPrimitive(value, typed) : value;
    }
    return super.transform(value, metadata);
  }
}

/** Global DTO validation: unknown fields are refused and every offending field is named. */
export function createValidationPipe(): ValidationPipe {
  return new DepthCheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      return invalidFields(flattenValidationErrors(errors));
    },
  });
}
