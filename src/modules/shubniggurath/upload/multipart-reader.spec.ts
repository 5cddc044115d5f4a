import { Readable } from 'node:stream';
import { MultipartFile, MultipartRefused, readMultipart } from './multipart-reader';
import { consume, UploadTooLarge } from './wav-receiver';

const BOUNDARY = 'shubboundary';
const HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer };

function multipart(parts: Part[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: audio/wav`
        : `form-data; name="${part.name}"`;
    pieces.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    pieces.push('filename' in part ? part.data : Buffer.from(part.value));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(pieces);
}

/** Reads a file part whole (the tests' files are small). */
async function collect(
  file: MultipartFile,
  into: Array<{ field: string; name: string | null; size: number }>,
) {
  let size = 0;
  await consume(file.stream, undefined, async (chunk) => {
    size += chunk.length;
  });
  into.push({ field: file.field, name: file.filename, size });
}

function read(body: Buffer, options: Partial<Parameters<typeof readMultipart>[2]> = {}, chunk = 7) {
  const files: Array<{ field: string; name: string | null; size: number }> = [];
  const chunks = Array.from({ length: Math.ceil(body.length / chunk) }, (_, i) =>
    body.subarray(i * chunk, (i + 1) * chunk),
  );
  const done = readMultipart(Readable.from(chunks), HEADERS, {
    maxBytes: 1_000_000,
    maxFiles: 3,
    fileFields: ['file'],
    textFields: ['style'],
    onFile: (file) => collect(file, files),
    ...options,
  });
  return { done, files };
}

describe('readMultipart', () => {
  it('streams each file part to onFile and returns the text fields', async () => {
    const { done, files } = read(
      multipart([
        { name: 'style', value: 'rock' },
        { name: 'file', filename: 'a.wav', data: Buffer.alloc(3000, 1) },
        { name: 'file', filename: 'b.wav', data: Buffer.alloc(10, 2) },
      ]),
    );
    expect(await done).toEqual({ style: 'rock' });
    expect(files).toEqual([
      { field: 'file', name: 'a.wav', size: 3000 },
      { field: 'file', name: 'b.wav', size: 10 },
    ]);
  });

  it('refuses an unexpected field or file field, naming it', async () => {
    await expect(read(multipart([{ name: 'target', value: '-14' }])).done).rejects.toThrow(
      'Unexpected field "target"',
    );
    await expect(
      read(multipart([{ name: 'audio', filename: 'x.wav', data: Buffer.alloc(4) }])).done,
    ).rejects.toThrow('Unexpected file field "audio"; send the WAV as field "file"');
  });

  it('refuses more files than allowed', async () => {
    const parts = Array.from({ length: 3 }, (_, i) => ({
      name: 'file',
      filename: `${i}.wav`,
      data: Buffer.alloc(4),
    }));
    const err = await read(multipart(parts), { maxFiles: 2 }).done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MultipartRefused);
    expect((err as Error).message).toBe('At most 2 file(s) may be sent at once');
  });

  it('stops at the byte limit of the whole body', async () => {
    const body = multipart([{ name: 'file', filename: 'big.wav', data: Buffer.alloc(50_000) }]);
    await expect(read(body, { maxBytes: 10_000 }, 1000).done).rejects.toBeInstanceOf(
      UploadTooLarge,
    );
  });

  it('fails with the consumer’s error when a file is refused', async () => {
    const body = multipart([{ name: 'file', filename: 'song.wav', data: Buffer.alloc(50_000) }]);
    const refusal = new Error('not a WAV');
    const done = readMultipart(Readable.from([body]), HEADERS, {
      maxBytes: 1_000_000,
      maxFiles: 1,
      fileFields: ['file'],
      textFields: [],
      onFile: async () => {
        throw refusal;
      },
    });
    await expect(done).rejects.toBe(refusal);
  });

  it('calls broken framing malformed', async () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="style"\r\n\r\nrock`,
    );
    await expect(read(body).done).rejects.toThrow(/malformed/);
  });
});
