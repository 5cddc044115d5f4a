import { declareErrorCodes } from '../../core/errors/error-codes';

/** What madre can refuse, each code with the status the one filter answers. */
export const MadreErrors = declareErrorCodes('madre', {
  invalid_ttl: 400,
  incident_not_found: 404,
  maintenance_job_not_found: 404,
  no_open_window: 404,
  target_not_in_window: 404,
  unknown_module: 404,
  unknown_policy: 404,
  window_not_found: 404,
  window_not_open: 404,
  incident_resolved: 409,
  window_already_open: 409,
  service_not_allowed: 422,
});
