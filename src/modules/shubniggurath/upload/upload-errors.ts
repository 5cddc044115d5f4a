import { ApiError } from '../../../core/errors/api-error';
import { WavFormatError } from '../dsp/wav-format';
import type { RefusalReason } from '../shub-metrics';
import { MultipartRefused } from './multipart-reader';
import { UploadAborted, UploadTooLarge } from './wav-receiver';
import { CoreErrors } from '../../../core/errors/core-errors';
import { ShubniggurathErrors } from '../shubniggurath-errors';

/** Sent with every refusal that may leave body bytes unread: the connection is not reused. */
export const CLOSE = { connection: 'close' } as const;

export function tooLarge(limit: number, declared?: number): ApiError {
  return new ApiError(
    CoreErrors.payload_too_large,
    declared !== undefined
      ? `The upload declares ${declared} bytes; the limit (shub.maxUploadBytes) is ${limit}`
      : `The upload passed the ${limit}-byte limit (shub.maxUploadBytes) and was cut off`,
    undefined,
    { limit_bytes: limit },
    CLOSE,
  );
}

/** How an upload failure is answered, and the metric label it counts under. */
export function refusalOf(err: unknown): { error: unknown; reason: RefusalReason } {
  if (err instanceof WavFormatError) {
    const file = err.kind === 'not_wav' || err.kind === 'unsupported';
    return {
      reason: err.kind,
      error: file
        ? new ApiError(
            CoreErrors.unsupported_media_type,
            err.message,
            undefined,
            { found: err.found ?? null },
            CLOSE,
          )
        : new ApiError(
            ShubniggurathErrors.invalid_wav,
            err.message,
            undefined,
            { problem: err.kind },
            CLOSE,
          ),
    };
  }
  if (err instanceof UploadTooLarge) return { reason: 'too_large', error: tooLarge(err.limit) };
  if (err instanceof MultipartRefused) {
    return {
      reason: 'bad_request',
      error: new ApiError(CoreErrors.bad_request, err.message, undefined, undefined, CLOSE),
    };
  }
  if (err instanceof UploadAborted) {
    return {
      reason: 'aborted',
      error: new ApiError(
        ShubniggurathErrors.upload_aborted,
        err.message,
        undefined,
        undefined,
        CLOSE,
      ),
    };
  }
  if (err instanceof ApiError) {
    const reason: RefusalReason =
      err.code === 'queue_unavailable' ? 'queue_unavailable' : 'bad_request';
    return { reason, error: err };
  }
  return { reason: 'bad_request', error: err };
}
