/**
 * Writes WAV bytes: a canonical 44-byte header (or WAVE_FORMAT_EXTENSIBLE with a channel mask)
 * and interleaved frames. For the tests and the bench, which build their signals themselves.
 */
export interface EncodeFormat {
  encoding: 'int' | 'float';
  bitsPerSample: 16 | 24 | 32 | 64;
  sampleRate: number;
  channels: number;
  /** Writes a WAVE_FORMAT_EXTENSIBLE fmt chunk with this speaker mask. */
  channelMask?: number;
}

export function wavHeader(format: EncodeFormat, dataBytes: number): Buffer {
  const { encoding, bitsPerSample: bits, sampleRate, channels } = format;
  const blockAlign = (channels * bits) / 8;
  const extensible = format.channelMask !== undefined;
  const fmtSize = extensible ? 40 : 16;
  const header = Buffer.alloc(12 + 8 + fmtSize + 8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(Math.min(0xffffffff, 4 + 8 + fmtSize + 8 + dataBytes), 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(fmtSize, 16);
  const tag = encoding === 'int' ? 1 : 3;
  header.writeUInt16LE(extensible ? 0xfffe : tag, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bits, 34);
  if (extensible) {
    header.writeUInt16LE(22, 36);
    header.writeUInt16LE(bits, 38);
    header.writeUInt32LE(format.channelMask!, 40);
    header.writeUInt16LE(tag, 44);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(header, 46);
  }
  header.write('data', 12 + 8 + fmtSize, 'latin1');
  header.writeUInt32LE(dataBytes, 12 + 8 + fmtSize + 4);
  return header;
}

/** Interleaves `frames` frames of planar samples (full scale 1.0) into the format's bytes. */
export function encodeFrames(
  planar: readonly Float64Array[],
  frames: number,
  format: EncodeFormat,
): Buffer {
  const { channels, bitsPerSample: bits } = format;
  const out = Buffer.alloc(frames * (bits / 8) * channels);
  const samples = frames * channels;
  // Typed views (Buffer.alloc starts at offset 0, so they are aligned; WAV is little-endian
  // like every platform Node runs on but s390x).
  if (format.encoding === 'float') {
    const view =
      bits === 32
        ? new Float32Array(out.buffer, out.byteOffset, samples)
        : new Float64Array(out.buffer, out.byteOffset, samples);
    for (let c = 0; c < channels; c++) {
      const x = planar[c];
      for (let f = 0; f < frames; f++) view[f * channels + c] = x[f];
    }
    return out;
  }
  const scale = 2 ** (bits - 1);
  const quantise = (v: number): number => {
    const r = v * scale + (v < 0 ? -0.5 : 0.5); // round half away from zero (truncated below)
    return r >= scale - 1 ? scale - 1 : r <= -scale ? -scale : r;
  };
  if (bits === 24) {
    for (let c = 0; c < channels; c++) {
      const x = planar[c];
      for (let f = 0, at = c * 3; f < frames; f++, at += channels * 3) {
        const code = quantise(x[f]) | 0;
        out[at] = code & 0xff;
        out[at + 1] = (code >> 8) & 0xff;
        out[at + 2] = (code >> 16) & 0xff;
      }
    }
    return out;
  }
  const view =
    bits === 16
      ? new Int16Array(out.buffer, out.byteOffset, samples)
      : new Int32Array(out.buffer, out.byteOffset, samples);
  for (let c = 0; c < channels; c++) {
    const x = planar[c];
    for (let f = 0; f < frames; f++) view[f * channels + c] = quantise(x[f]) | 0;
  }
  return out;
}
