import { declareErrorCodes } from '../../core/errors/error-codes';

/** What hormiguero can refuse, each code with the status the one filter answers. */
export const HormigueroErrors = declareErrorCodes('hormiguero', {
  invalid_params: 400,
  unknown_ant: 400,
  approval_refused: 403,
  incident_not_found: 404,
  action_not_allowed: 422,
});
