import { MAX_CHANNELS, SUPPORTED_SAMPLE_RATES, WavFormat, WavFormatError } from './wav-format';

/**
 * A streaming reader of a RIFF/WAVE header (Microsoft "Multimedia Programming Interface and Data
 * Specifications 1.0", and WAVE_FORMAT_EXTENSIBLE from "Multiple channel audio data and WAVE
 * files"): fed the body as it arrives, it answers as soon as it can — a foreign format after
 * 4 bytes, an unsupported one at the `fmt ` chunk, the format once the `data` chunk starts —
 * and buffers only the few bytes it is reading (chunk headers, the `fmt ` body), skipping other
 * chunks (LIST, bext, JUNK, embedded artwork…) without keeping them.
 */
export class WavHeaderParser {
  /** Bytes before the data chunk beyond which the body is not taken for a WAV header. */
  static readonly MAX_HEADER_BYTES = 16 * 1024 * 1024;
  private static readonly MAX_FMT_BYTES = 1024;

  private pending = Buffer.alloc(0);
  private need = 12;
  private state: 'riff' | 'chunk' | 'fmt' | 'skip' | 'done' = 'riff';
  private skipLeft = 0;
  /** Absolute offset of the next byte fed. */
  private offset = 0;
  private fmt: Omit<WavFormat, 'dataOffset' | 'declaredDataBytes'> | undefined;
  private format: WavFormat | undefined;

  /** The format, once the data chunk has started. */
  get result(): WavFormat | undefined {
    return this.format;
  }

  /**
   * Feeds the next bytes of the body. Returns the format as soon as the data chunk starts (later
   * calls return it again and read nothing); throws WavFormatError as soon as the bytes say the
   * body is not an analysable WAV.
   */
  push(chunk: Buffer): WavFormat | undefined {
    let at = 0;
    while (at < chunk.length && this.state !== 'done') {
      if (this.state === 'skip') {
        const take = Math.min(this.skipLeft, chunk.length - at);
        this.skipLeft -= take;
        at += take;
        this.offset += take;
        if (this.skipLeft === 0) this.expect('chunk', 8);
        continue;
      }
      const take = Math.min(this.need - this.pending.length, chunk.length - at);
      this.pending = Buffer.concat([this.pending, chunk.subarray(at, at + take)]);
      at += take;
      this.offset += take;
      if (this.pending.length === this.need) this.consume(this.pending);
    }
    return this.format;
  }

  /**
   * The body has ended. Throws why it is not a WAV when the data chunk was never reached (a
   * body too short to tell is `malformed` only when what there is begins like a WAV).
   */
  end(): WavFormat {
    if (this.format) return this.format;
    if (this.state === 'riff') {
      if (this.offset === 0) throw new WavFormatError('malformed', 'The body is empty');
      if (!'RIFF'.startsWith(this.pending.subarray(0, 4).toString('latin1'))) {
        throw notWav(this.pending);
      }
      throw new WavFormatError(
        'truncated',
        `The file ends after ${this.offset} bytes, inside the 12-byte RIFF header`,
      );
    }
    throw new WavFormatError(
      'truncated',
      this.fmt
        ? `The file ends after ${this.offset} bytes, before its data chunk`
        : `The file ends after ${this.offset} bytes, before its fmt chunk`,
    );
  }

  private expect(state: 'chunk' | 'fmt', bytes: number): void {
    this.state = state;
    this.need = bytes;
    this.pending = Buffer.alloc(0);
  }

  private consume(bytes: Buffer): void {
    if (this.state === 'riff') {
      if (bytes.toString('latin1', 0, 4) !== 'RIFF') throw notWav(bytes);
      const form = bytes.toString('latin1', 8, 12);
      if (form !== 'WAVE') {
        throw new WavFormatError(
          'not_wav',
          `Not a WAV file: a RIFF file of form "${printable(bytes.subarray(8, 12))}", not WAVE`,
          `RIFF ${printable(bytes.subarray(8, 12))}`,
        );
      }
      this.expect('chunk', 8);
      return;
    }
    if (this.state === 'fmt') {
      this.fmt = parseFmt(bytes);
      this.skipRest(bytes.length, bytes.length);
      return;
    }
    // a chunk header: id and little-endian size
    const id = bytes.toString('latin1', 0, 4);
    const size = bytes.readUInt32LE(4);
    const start = this.offset;
    if (id === 'data') {
      if (!this.fmt) {
        throw new WavFormatError('malformed', 'The data chunk comes before any fmt chunk');
      }
      this.format = {
        ...this.fmt,
        dataOffset: start,
        declaredDataBytes: size === 0 || size === 0xffffffff ? null : size,
      };
      this.state = 'done';
      return;
    }
    if (start > WavHeaderParser.MAX_HEADER_BYTES) {
      throw new WavFormatError(
        'malformed',
        `No data chunk within the first ${WavHeaderParser.MAX_HEADER_BYTES} bytes`,
      );
    }
    if (id === 'fmt ') {
      if (this.fmt) throw new WavFormatError('malformed', 'The file has two fmt chunks');
      if (size < 16 || size > WavHeaderParser.MAX_FMT_BYTES) {
        throw new WavFormatError(
          'malformed',
          `The fmt chunk is ${size} bytes; a valid one has 16 to ${WavHeaderParser.MAX_FMT_BYTES}`,
        );
      }
      this.expect('fmt', size);
      return;
    }
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      throw new WavFormatError(
        'malformed',
        `A chunk at byte ${start - 8} has no valid id (found ${hex(bytes.subarray(0, 4))})`,
      );
    }
    this.skipRest(size, 0);
  }

  /** Skips the rest of a chunk body of `size` bytes (`read` of them already read) and its pad. */
  private skipRest(size: number, read: number): void {
    const rest = size - read + (size % 2);
    if (rest === 0) return this.expect('chunk', 8);
    this.state = 'skip';
    this.skipLeft = rest;
  }
}

const FORMAT_TAG_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer III (MP3)',
  0x00ff: 'AAC',
  0x0161: 'Windows Media Audio',
  0x2000: 'Dolby AC-3',
  0xf1ac: 'FLAC',
};

/** The KSDATAFORMAT_SUBTYPE GUID tail shared by PCM and IEEE float (after the 2-byte tag). */
const SUBFORMAT_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

function parseFmt(b: Buffer): Omit<WavFormat, 'dataOffset' | 'declaredDataBytes'> {
  let tag = b.readUInt16LE(0);
  const channels = b.readUInt16LE(2);
  const sampleRate = b.readUInt32LE(4);
  const blockAlign = b.readUInt16LE(12);
  const bits = b.readUInt16LE(14);
  let validBits = bits;
  let channelMask: number | null = null;
  if (tag === 0xfffe) {
    if (b.length < 40) {
      throw new WavFormatError(
        'malformed',
        `A WAVE_FORMAT_EXTENSIBLE fmt chunk needs 40 bytes; this one has ${b.length}`,
      );
    }
    validBits = b.readUInt16LE(18) || bits;
    channelMask = b.readUInt32LE(20);
    tag = b.readUInt16LE(24);
    if (!b.subarray(26, 40).equals(SUBFORMAT_TAIL)) {
      throw new WavFormatError(
        'unsupported',
        `Unsupported WAV: an extensible format with sub-format GUID ${hex(b.subarray(24, 40))}`,
        'unknown sub-format',
      );
    }
  }
  if (tag !== 1 && tag !== 3) {
    const name = FORMAT_TAG_NAMES[tag] ?? 'unknown';
    const found = `format tag 0x${tag.toString(16).padStart(4, '0')} (${name})`;
    throw new WavFormatError(
      'unsupported',
      `Unsupported WAV encoding: ${found}; only PCM and IEEE float are analysed`,
      found,
    );
  }
  const encoding = tag === 1 ? 'int' : 'float';
  const allowedBits = encoding === 'int' ? [16, 24, 32] : [32, 64];
  if (!allowedBits.includes(bits)) {
    const found = `${encoding === 'int' ? 'PCM' : 'IEEE float'} ${bits}-bit`;
    throw new WavFormatError(
      'unsupported',
      `Unsupported WAV sample format: ${found}; supported are PCM 16/24/32-bit and float 32/64-bit`,
      found,
    );
  }
  if (channels === 0) throw new WavFormatError('malformed', 'The fmt chunk declares 0 channels');
  if (channels > MAX_CHANNELS) {
    throw new WavFormatError(
      'unsupported',
      `Unsupported WAV: ${channels} channels; at most ${MAX_CHANNELS} are analysed`,
      `${channels} channels`,
    );
  }
  if (sampleRate === 0) throw new WavFormatError('malformed', 'The fmt chunk declares 0 Hz');
  if (sampleRate < SUPPORTED_SAMPLE_RATES.min || sampleRate > SUPPORTED_SAMPLE_RATES.max) {
    throw new WavFormatError(
      'unsupported',
      `Unsupported WAV sample rate: ${sampleRate} Hz; supported are ${SUPPORTED_SAMPLE_RATES.min}–${SUPPORTED_SAMPLE_RATES.max} Hz`,
      `${sampleRate} Hz`,
    );
  }
  if (blockAlign !== (channels * bits) / 8) {
    throw new WavFormatError(
      'malformed',
      `The fmt chunk's block align is ${blockAlign}, but ${channels} channel(s) of ${bits} bits need ${(channels * bits) / 8}`,
    );
  }
  if (validBits > bits) {
    throw new WavFormatError(
      'malformed',
      `The fmt chunk declares ${validBits} valid bits in a ${bits}-bit sample`,
    );
  }
  return {
    encoding,
    bitsPerSample: bits,
    validBitsPerSample: validBits,
    channels,
    sampleRate,
    blockAlign,
    channelMask,
  };
}

/** Names a format from its first bytes, when they are not RIFF/WAVE. */
function foreignFormat(head: Buffer): string | undefined {
  const text = head.toString('latin1', 0, 4);
  if (text.startsWith('ID3')) return 'MP3 (ID3 tag)';
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0) {
    return (head[1] & 0x06) === 0 ? 'AAC (ADTS)' : 'MPEG audio (MP3) frames';
  }
  const known: Record<string, string> = {
    fLaC: 'FLAC',
    OggS: 'Ogg',
    FORM: 'AIFF/IFF',
    RIFX: 'big-endian RIFX WAV',
    RF64: 'RF64 (64-bit WAV)',
    BW64: 'BW64 (64-bit WAV)',
    caff: 'Core Audio (CAF)',
    '.snd': 'Sun/NeXT audio',
    MThd: 'MIDI',
    '%PDF': 'PDF',
    'PK\x03\x04': 'ZIP',
  };
  if (known[text]) return known[text];
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return 'MP4/M4A';
  return undefined;
}

function notWav(head: Buffer): WavFormatError {
  const named = foreignFormat(head);
  const found = named ?? `bytes ${hex(head.subarray(0, 4))}`;
  return new WavFormatError(
    'not_wav',
    named
      ? `Not a WAV file: the body is ${named}`
      : `Not a WAV file: it begins with ${hex(head.subarray(0, 4))}, not "RIFF"`,
    found,
  );
}

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function printable(bytes: Buffer): string {
  return [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '?')).join('');
}
