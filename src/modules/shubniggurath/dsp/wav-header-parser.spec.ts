import { wavHeader } from './wav-encoder';
import { WavFormatError } from './wav-format';
import { WavHeaderParser } from './wav-header-parser';

const STEREO_16 = { encoding: 'int', bitsPerSample: 16, sampleRate: 44100, channels: 2 } as const;

/** Feeds `bytes` in chunks of `chunk` bytes; returns the format or the WavFormatError thrown. */
function parse(
  bytes: Buffer,
  chunk = bytes.length,
): WavFormatError | ReturnType<WavHeaderParser['end']> {
  const parser = new WavHeaderParser();
  try {
    for (let at = 0; at < bytes.length; at += chunk) {
      if (parser.push(bytes.subarray(at, at + chunk))) break;
    }
    return parser.end();
  } catch (err) {
    if (err instanceof WavFormatError) return err;
    throw err;
  }
}

function withFmt(mutate: (header: Buffer) => void): Buffer {
  const header = wavHeader(STEREO_16, 400);
  mutate(header);
  return header;
}

describe('WAV header parser', () => {
  it('reads a canonical header fed one byte at a time', () => {
    expect(parse(wavHeader(STEREO_16, 4000), 1)).toEqual({
      encoding: 'int',
      bitsPerSample: 16,
      validBitsPerSample: 16,
      channels: 2,
      sampleRate: 44100,
      blockAlign: 4,
      channelMask: null,
      dataOffset: 44,
      declaredDataBytes: 4000,
    });
  });

  it('skips LIST and other chunks before fmt and data, odd sizes padded', () => {
    const header = wavHeader(STEREO_16, 4000);
    const list = Buffer.concat([
      Buffer.from('LIST'),
      Buffer.from([5, 0, 0, 0]),
      Buffer.from('INFOx\0'),
    ]);
    const bytes = Buffer.concat([header.subarray(0, 12), list, header.subarray(12)]);
    expect(parse(bytes, 3)).toMatchObject({ dataOffset: 44 + list.length, channels: 2 });
  });

  it('reads WAVE_FORMAT_EXTENSIBLE with its channel mask (5.1 float)', () => {
    const header = wavHeader(
      { encoding: 'float', bitsPerSample: 32, sampleRate: 48000, channels: 6, channelMask: 0x3f },
      0,
    );
    expect(parse(header)).toMatchObject({
      encoding: 'float',
      channels: 6,
      channelMask: 0x3f,
      declaredDataBytes: null,
      dataOffset: 68,
    });
  });

  it('names an MP3 with an ID3 tag as not a WAV (415)', () => {
    const mp3 = Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\x21'), Buffer.alloc(64, 0xff)]);
    const err = parse(mp3) as WavFormatError;
    expect(err).toBeInstanceOf(WavFormatError);
    expect(err.httpStatus).toBe(415);
    expect(err.found).toBe('MP3 (ID3 tag)');
    expect(err.message).toMatch(/MP3/);
  });

  it('names bare MPEG frames, FLAC and a RIFF that is not WAVE', () => {
    expect(
      (parse(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0])) as WavFormatError)
        .found,
    ).toBe('MPEG audio (MP3) frames');
    expect((parse(Buffer.from('fLaC\0\0\0\x22abcdefgh')) as WavFormatError).found).toBe('FLAC');
    const avi = Buffer.from('RIFF\x10\0\0\0AVI LIST');
    expect((parse(avi) as WavFormatError).found).toBe('RIFF AVI ');
  });

  it('refuses unsupported encodings with 415 naming them', () => {
    const adpcm = withFmt((h) => h.writeUInt16LE(2, 20));
    const err = parse(adpcm) as WavFormatError;
    expect(err.httpStatus).toBe(415);
    expect(err.found).toBe('format tag 0x0002 (Microsoft ADPCM)');

    const eightBit = withFmt((h) => {
      h.writeUInt16LE(8, 34);
      h.writeUInt16LE(2, 32);
    });
    expect((parse(eightBit) as WavFormatError).found).toBe('PCM 8-bit');

    const slow = withFmt((h) => h.writeUInt32LE(4000, 24));
    expect((parse(slow) as WavFormatError).found).toBe('4000 Hz');

    const manyChannels = withFmt((h) => {
      h.writeUInt16LE(12, 22);
      h.writeUInt16LE(24, 32);
    });
    expect((parse(manyChannels) as WavFormatError).found).toBe('12 channels');
  });

  it('calls a broken header malformed (422) with the reason', () => {
    const badAlign = withFmt((h) => h.writeUInt16LE(3, 32));
    const err = parse(badAlign) as WavFormatError;
    expect(err.httpStatus).toBe(422);
    expect(err.message).toMatch(/block align is 3/);

    const dataFirst = Buffer.concat([
      Buffer.from('RIFF\0\0\0\0WAVEdata\x04\0\0\0'),
      Buffer.alloc(4),
    ]);
    expect((parse(dataFirst) as WavFormatError).message).toMatch(/before any fmt chunk/);

    const shortFmt = withFmt((h) => h.writeUInt32LE(12, 16));
    expect((parse(shortFmt) as WavFormatError).kind).toBe('malformed');
  });

  it('calls a file that ends inside its header truncated (422)', () => {
    const header = wavHeader(STEREO_16, 400);
    for (const cut of [6, 20, 40]) {
      const err = parse(header.subarray(0, cut)) as WavFormatError;
      expect(err.kind).toBe('truncated');
      expect(err.httpStatus).toBe(422);
    }
    expect((parse(Buffer.alloc(0)) as WavFormatError).message).toBe('The body is empty');
  });
});
