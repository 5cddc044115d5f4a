import { declareErrorCodes } from './error-codes';

/**
 * Codes of the HTTP edge, auth and the registry, plus the generic ones every module may raise
 * (a module declares only what is its own).
 */
export const CoreErrors = declareErrorCodes('core', {
  bad_request: 400,
  bad_url: 400,
  bad_content_length: 400,
  bad_transfer_encoding: 400,
  bad_method: 400,
  missing_host: 400,
  invalid_json: 400,
  body_too_deep: 400,
  validation_failed: 400,
  auth_required: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  unprocessable_entity: 422,
  rate_limited: 429,
  too_many_auth_failures: 429,
  headers_too_large: 431,
  internal_error: 500,
  module_dormant: 503,
  queue_unavailable: 503,
  service_unavailable: 503,
  shutting_down: 503,
});
