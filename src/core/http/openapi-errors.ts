import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema } from '@nestjs/swagger';

/** One offending field of a 400 validation_failed (CONTRACT §2: the fields are named). */
export class FieldErrorDto {
  @ApiProperty({ example: 'ttl_sec', description: 'The field, dotted for nested ones' })
  field: string;

  @ApiProperty({ type: [String], example: ['ttl_sec must be an integer number'] })
  errors: string[];
}

/**
 * The one error shape of every non-2xx answer (src/core/errors). Some errors add fields of
 * their own next to the standard four (e.g. `module` and `hint` on module_dormant,
 * `retry_after` on 429, `allowlist` on service_not_allowed), hence no additionalProperties: false.
 */
@ApiSchema({ name: 'ErrorBody', description: 'The one error shape of VX11 (CONTRACT §2)' })
export class ErrorBodyDto {
  @ApiProperty({ description: 'Machine-readable code', example: 'module_dormant' })
  error: string;

  @ApiProperty({ description: 'What went wrong, for a human', example: 'Module switch is off' })
  message: string;

  @ApiProperty({ type: 'integer', description: 'The HTTP status, repeated', example: 503 })
  status_code: number;

  @ApiProperty({
    description: 'The request’s X-Correlation-Id (given or generated); quote it in reports',
    example: '3f0c2a4e-7a55-4c3a-9a65-6f1d9e0b2c11',
  })
  correlation_id: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Validation errors (400 validation_failed): one entry per offending field',
  })
  details?: FieldErrorDto[];

  @ApiPropertyOptional({
    type: 'integer',
    description: '429 and 503 with Retry-After: seconds to wait before retrying',
    example: 5,
  })
  retry_after?: number;

  @ApiPropertyOptional({ description: '503 module_dormant: the module that is not active' })
  module?: string;

  @ApiPropertyOptional({
    description: '503 module_dormant: how to wake it',
    example: 'POST /madre/power/window/open',
  })
  hint?: string;
}

/** The statuses VX11 answers with the error shape, and what each means in general. */
export const ERROR_DESCRIPTIONS = {
  400: 'Invalid input (validation_failed names the fields in `details`; invalid_json)',
  401: 'No token (auth_required): send X-VX11-Token or Authorization: Bearer',
  403: 'The token is not valid (forbidden)',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Body too large (payload_too_large)',
  415: 'Unsupported media type (send application/json)',
  422: 'Well-formed but refused',
  426: 'Upgrade required',
  429: 'Too many requests; Retry-After says when to try again',
  503: 'Service unavailable',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** A status alone (its general description) or with what it means on this route. */
export type ErrorSpec = ErrorStatus | readonly [ErrorStatus, string];

/**
 * An example body for an error response: the first code its description names in parentheses
 * (`No such engine (engine_not_found)`), so each response shows its own error, not a generic one.
 */
export function errorExample(status: number, description: string): ErrorBodyDto {
  return {
    error: /\(([a-z][a-z_]*)[,;)]/.exec(description)?.[1] ?? `http_${status}`,
    message: description.replace(/\s*\([^)]*\)/g, ''),
    status_code: status,
    correlation_id: '3f0c2a4e-7a55-4c3a-9a65-6f1d9e0b2c11',
  };
}

/** The error responses of a route (or of every route of a controller), all in ErrorBody. */
export function ApiErrors(...specs: ErrorSpec[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...specs.map((spec) => {
      const [status, given] = typeof spec === 'number' ? [spec] : spec;
      const description = given ?? ERROR_DESCRIPTIONS[status];
      return ApiResponse({
        status,
        description,
        type: ErrorBodyDto,
        example: errorExample(status, description),
      });
    }),
  );
}

/** Class-level: every route of a controller whose module may be dormant (@OwnedBy). */
export const ApiModuleErrors = (module: string): MethodDecorator & ClassDecorator =>
  ApiErrors([503, `${module} is not active (module_dormant, with \`module\` and \`hint\`)`]);
