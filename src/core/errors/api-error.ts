import { ErrorCode, statusOfCode } from './error-codes';

/**
 * The one error type business code throws: a declared code (see error-codes.ts), a message and
 * optional details. The exception filter maps the code to its HTTP status and renders the
 * contract's shape; `extra` fields (e.g. `module`, `hint`, `retry_after`) sit next to the
 * standard ones.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly details?: unknown;
  readonly extra?: Record<string, unknown>;
  /** Response headers that belong to the error (e.g. Retry-After). */
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details?: unknown,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code.code;
    this.details = details;
    this.extra = extra;
    this.headers = headers;
  }

  /** The HTTP status the filter answers for this error's code. */
  get status(): number {
    return statusOfCode(this.code);
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  status_code: number;
  correlation_id: string;
  details?: unknown;
  [extra: string]: unknown;
}
