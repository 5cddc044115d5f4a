/**
 * The one error type business code throws. The exception filter renders it in the contract's
 * shape; `extra` fields (e.g. `module`, `hint`, `retry_after`) sit next to the standard ones.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly extra?: Record<string, unknown>,
    /** Response headers that belong to the error (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
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
