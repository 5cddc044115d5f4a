import { declareErrorCodes } from '../../core/errors/error-codes';

/** The chat's own error codes (validation_failed and rate_limited are core's). */
export const ChatErrors = declareErrorCodes('operator', {
  message_too_long: 413,
  session_not_found: 404,
  model_not_found: 404,
});
