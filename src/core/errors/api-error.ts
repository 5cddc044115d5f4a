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
  private readonly explicitStatus?: number;

  constructor(
    code: ErrorCode,
    message: string,
    details?: unknown,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  );
  /** @deprecated name a declared ErrorCode instead of choosing a status. */
  constructor(
    status: number,
    code: string,
    message: string,
    details?: unknown,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  );
  constructor(first: ErrorCode | number, ...rest: unknown[]) {
    const legacy = typeof first === 'number';
    const args = legacy ? rest.slice(1) : rest;
    super(args[0] as string);
    this.name = 'ApiError';
    this.code = legacy ? (rest[0] as string) : first.code;
    this.explicitStatus = legacy ? first : undefined;
    this.details = args[1];
    this.extra = args[2] as Record<string, unknown> | undefined;
    this.headers = args[3] as Record<string, string> | undefined;
  }

  /** The HTTP status the filter answers for this error's code. */
  get status(): number {
    return this.explicitStatus ?? statusOfCode(this.code);
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
