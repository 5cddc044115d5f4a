import { declareErrorCodes } from '../../core/errors/error-codes';

/** What shubniggurath can refuse, each code with the status the one filter answers. */
export const ShubniggurathErrors = declareErrorCodes('shubniggurath', {
  upload_aborted: 400,
  job_finished: 409,
  invalid_wav: 422,
});
