/** What a WAV file's header says about its audio, once the `data` chunk has been reached. */
export interface WavFormat {
  /** `int`: signed PCM (format tag 1); `float`: IEEE float (format tag 3). */
  encoding: 'int' | 'float';
  /** Bits of each stored sample (the container: 16, 24, 32 or 64). */
  bitsPerSample: number;
  /** From WAVE_FORMAT_EXTENSIBLE (e.g. 20 in a 24-bit container); else equal to bitsPerSample. */
  validBitsPerSample: number;
  channels: number;
  sampleRate: number;
  /** Bytes of one frame (one sample of every channel). */
  blockAlign: number;
  /** WAVE_FORMAT_EXTENSIBLE's speaker mask, or null when the file has none. */
  channelMask: number | null;
  /** Byte offset of the first audio frame in the file. */
  dataOffset: number;
  /** Size the data chunk declares; null when it says "unknown" (0 or 0xFFFFFFFF, streamed writers). */
  declaredDataBytes: number | null;
}

export const SUPPORTED_SAMPLE_RATES = { min: 8000, max: 192000 } as const;
export const MAX_CHANNELS = 8;

/**
 * Why a body is not an analysable WAV: `not_wav` and `unsupported` are 415 (the bytes are some
 * other format, or a WAV variant this analyser does not read); `malformed` and `truncated` are
 * 422 (a WAV whose header or data is broken).
 */
export type WavProblemKind = 'not_wav' | 'unsupported' | 'malformed' | 'truncated';

export class WavFormatError extends Error {
  constructor(
    readonly kind: WavProblemKind,
    message: string,
    /** What was found instead, in a few words (e.g. "MP3 (ID3 tag)", "PCM 8-bit"). */
    readonly found?: string,
  ) {
    super(message);
    this.name = 'WavFormatError';
  }

  get httpStatus(): 415 | 422 {
    return this.kind === 'not_wav' || this.kind === 'unsupported' ? 415 : 422;
  }
}
