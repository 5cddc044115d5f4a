import { declareErrorCodes } from '../../core/errors/error-codes';

/** The engine registry's own error codes. */
export const HermesErrors = declareErrorCodes('hermes', {
  engine_exists: 409,
  engine_from_config: 409,
  engine_not_found: 404,
  api_key_env_not_allowed: 422,
});
