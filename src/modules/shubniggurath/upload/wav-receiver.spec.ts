import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { wavHeader } from '../dsp/wav-encoder';
import { WavFormatError } from '../dsp/wav-format';
import { receiveWav, UploadTooLarge } from './wav-receiver';

const FORMAT = { encoding: 'int', bitsPerSample: 16, sampleRate: 48000, channels: 2 } as const;

/** A source that counts how many chunks it was asked for, so a test sees what was read. */
function countingSource(chunks: Buffer[]): { source: Readable; pulled: () => number } {
  let pulled = 0;
  const source = new Readable({
    read() {
      if (pulled === chunks.length) return void this.push(null);
      this.push(chunks[pulled++]);
    },
    highWaterMark: 1,
  });
  return { source, pulled: () => pulled };
}

describe('receiveWav (streaming an upload to disk)', () => {
  let dir: string;
  let n = 0;
  const path = () => join(dir, `upload-${++n}.wav`);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shub-receive-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the body to the file chunk by chunk and returns its format and frames', async () => {
    const data = Buffer.alloc(4 * 1000, 1);
    const bytes = Buffer.concat([wavHeader(FORMAT, data.length), data]);
    const chunks = Array.from({ length: 41 }, (_, i) => bytes.subarray(i * 100, (i + 1) * 100));
    const target = path();
    const received = await receiveWav(countingSource(chunks).source, target);
    expect(received).toMatchObject({ bytes: bytes.length, frames: 1000 });
    expect(received.format).toMatchObject({ sampleRate: 48000, channels: 2 });
    expect(readFileSync(target).equals(bytes)).toBe(true);
  });

  it('refuses MP3 bytes at the first chunk, leaving the rest of the body unread', async () => {
    const mp3 = [
      Buffer.from('ID3\x04\0\0\0\0\0\x21'),
      ...Array.from({ length: 50 }, () => Buffer.alloc(1024)),
    ];
    const { source, pulled } = countingSource(mp3);
    const err = await receiveWav(source, path()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WavFormatError);
    expect((err as WavFormatError).httpStatus).toBe(415);
    expect(pulled()).toBeLessThan(5);
    expect(source.destroyed).toBe(false); // the caller still answers on this connection
    expect(source.isPaused()).toBe(true);
  });

  it('stops as soon as the byte limit is crossed', async () => {
    const header = wavHeader(FORMAT, 10_000_000);
    const chunks = [header, ...Array.from({ length: 1000 }, () => Buffer.alloc(10_000))];
    const { source, pulled } = countingSource(chunks);
    const err = await receiveWav(source, path(), { maxBytes: 50_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadTooLarge);
    expect(pulled()).toBeLessThan(10);
  });

  it('calls data shorter than its chunk declares truncated', async () => {
    const bytes = Buffer.concat([wavHeader(FORMAT, 4000), Buffer.alloc(1000)]);
    const err = (await receiveWav(Readable.from([bytes]), path()).catch(
      (e: unknown) => e,
    )) as WavFormatError;
    expect(err.kind).toBe('truncated');
    expect(err.message).toBe(
      'The data chunk declares 4000 bytes of audio but only 1000 arrived: the file is truncated',
    );
  });

  it('takes a data chunk of unknown size (streamed writers) to the end of the body', async () => {
    const bytes = Buffer.concat([wavHeader(FORMAT, 0), Buffer.alloc(4 * 250)]);
    expect((await receiveWav(Readable.from([bytes]), path())).frames).toBe(250);
  });

  it('stops with the abort reason when its signal is aborted', async () => {
    const controller = new AbortController();
    const source = new Readable({ read() {} });
    source.push(wavHeader(FORMAT, 1000));
    const pending = receiveWav(source, path(), { signal: controller.signal });
    controller.abort(new Error('limit crossed elsewhere'));
    await expect(pending).rejects.toThrow('limit crossed elsewhere');
  });
});
