import { declareErrorCodes } from '../../core/errors/error-codes';

/** What spawner can refuse, each code with the status the one filter answers. */
export const SpawnerErrors = declareErrorCodes('spawner', {
  cwd_outside_work_root: 400,
  cwd_not_found: 400,
  cwd_not_a_directory: 400,
  env_not_allowed: 400,
  invalid_ttl: 400,
  code_execution_disabled: 403,
  run_not_found: 404,
  program_not_allowed: 422,
  too_many_runs: 429,
});
