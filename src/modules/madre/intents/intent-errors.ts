import { declareErrorCodes } from '../../../core/errors/error-codes';

/** Error codes of madre's intents and plans. */
export const IntentErrors = declareErrorCodes('madre', {
  invalid_intent: 422,
  plan_not_found: 404,
  invalid_confirm_token: 403,
  confirm_token_expired: 403,
  plan_finished: 409,
});
