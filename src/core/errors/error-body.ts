import { HttpException } from '@nestjs/common';
import { ApiError, ErrorBody } from './api-error';
import { statusOfCode } from './error-codes';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'auth_required',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
};

/** Fastify's own request errors (body parsing, limits) mapped to our codes. */
const CODE_BY_FASTIFY_CODE: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

export interface RenderedError {
  status: number;
  body: ErrorBody;
  /** Set for 5xx: the original error, for the log only (never the response). */
  internal?: unknown;
}

function fromHttpException(
  err: HttpException,
): Omit<RenderedError, 'body'> & { code: string; message: string; details?: unknown } {
  const status = err.getStatus();
  const response = err.getResponse();
  let message = err.message;
  let details: unknown;
  if (typeof response === 'object' && response !== null) {
    const r = response as { message?: unknown };
    if (Array.isArray(r.message)) {
      details = r.message;
      message = 'Request validation failed';
    } else if (typeof r.message === 'string') {
      message = r.message;
    }
  }
  return { status, code: CODE_BY_STATUS[status] ?? `http_${status}`, message, details };
}

/** Turns anything thrown while serving a request into the contract's error shape. */
export function renderError(err: unknown, correlationId: string): RenderedError {
  let status = 500;
  let code = 'internal_error';
  let message = 'Internal error';
  let details: unknown;
  let extra: Record<string, unknown> | undefined;
  let internal: unknown;

  if (err instanceof ApiError) {
    ({ code, message, details, extra } = err);
    status = statusOfCode(code); // each module declares its codes' statuses (error-codes.ts)
  } else if (err instanceof HttpException) {
    ({ status, code, message, details } = fromHttpException(err));
  } else if (err && typeof err === 'object' && 'statusCode' in err) {
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      status = fe.statusCode;
      code =
        (fe.code && CODE_BY_FASTIFY_CODE[fe.code]) ?? CODE_BY_STATUS[status] ?? `http_${status}`;
      message = fe.message ?? message;
    } else {
      internal = err;
    }
  } else {
    internal = err;
  }
  if (status >= 500 && !(err instanceof ApiError)) internal = err;

  // Extra fields first, so none can overwrite the standard ones.
  const body: ErrorBody = {
    ...extra,
    error: code,
    message,
    status_code: status,
    correlation_id: correlationId,
  };
  if (details !== undefined) body.details = details;
  return { status, body, internal };
}
