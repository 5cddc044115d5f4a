import { declareErrorCodes } from '../../core/errors/error-codes';

/** What manifestator can refuse, each code with the status the one filter answers. */
export const ManifestatorErrors = declareErrorCodes('manifestator', {
  manifest_unavailable: 503,
});
