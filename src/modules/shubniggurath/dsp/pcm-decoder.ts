import { WavFormat } from './wav-format';

/**
 * Interleaved little-endian WAV frames → one float64 array per channel, full scale = 1.0
 * (integers divided by 2^(bits−1), so the most negative code is exactly −1.0).
 */
export type FrameDecoder = (bytes: Buffer, frames: number, out: Float64Array[]) => void;

export function frameDecoder(format: Pick<WavFormat, 'encoding' | 'bitsPerSample' | 'channels'>) {
  const { encoding, bitsPerSample: bits, channels } = format;
  const stride = (bits / 8) * channels;
  const view = (bytes: Buffer) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding === 'float' && bits === 32) {
    return ((bytes, frames, out) => {
      const v = view(bytes);
      for (let c = 0; c < channels; c++) {
        const o = out[c];
        for (let f = 0, at = c * 4; f < frames; f++, at += stride) o[f] = v.getFloat32(at, true);
      }
    }) satisfies FrameDecoder;
  }
  if (encoding === 'float') {
    return ((bytes, frames, out) => {
      const v = view(bytes);
      for (let c = 0; c < channels; c++) {
        const o = out[c];
        for (let f = 0, at = c * 8; f < frames; f++, at += stride) o[f] = v.getFloat64(at, true);
      }
    }) satisfies FrameDecoder;
  }
  if (bits === 16) {
    return ((bytes, frames, out) => {
      const v = view(bytes);
      for (let c = 0; c < channels; c++) {
        const o = out[c];
        for (let f = 0, at = c * 2; f < frames; f++, at += stride) {
          o[f] = v.getInt16(at, true) / 32768;
        }
      }
    }) satisfies FrameDecoder;
  }
  if (bits === 24) {
    return ((bytes, frames, out) => {
      for (let c = 0; c < channels; c++) {
        const o = out[c];
        for (let f = 0, at = c * 3; f < frames; f++, at += stride) {
          const u = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
          o[f] = ((u << 8) >> 8) / 8388608; // sign-extend the 24-bit value
        }
      }
    }) satisfies FrameDecoder;
  }
  if (bits === 32) {
    return ((bytes, frames, out) => {
      const v = view(bytes);
      for (let c = 0; c < channels; c++) {
        const o = out[c];
        for (let f = 0, at = c * 4; f < frames; f++, at += stride) {
          o[f] = v.getInt32(at, true) / 2147483648;
        }
      }
    }) satisfies FrameDecoder;
  }
  throw new Error(`No decoder for ${encoding} ${bits}-bit`);
}

/**
 * The magnitude from which a decoded sample sits at digital full scale (for clip detection):
 * the largest positive code of the valid bits (20-bit audio in a 24-bit container tops out at
 * 1 − 2^−19), or 1.0 for float.
 */
export function fullScaleOf(format: Pick<WavFormat, 'encoding' | 'validBitsPerSample'>): number {
  return format.encoding === 'float' ? 1 : 1 - 2 ** -(format.validBitsPerSample - 1);
}
