import type busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { consume, UploadTooLarge } from './wav-receiver';

export interface MultipartFile {
  field: string;
  filename: string | null;
  stream: Readable;
}

export interface MultipartOptions {
  /** Bytes of the whole body (all parts); more fail with UploadTooLarge as soon as they arrive. */
  maxBytes: number;
  /** File parts accepted (more: MultipartRefused). */
  maxFiles: number;
  fileFields: readonly string[];
  textFields: readonly string[];
  /** Receives each file part, in order; must read its stream to the end or reject. */
  onFile: (file: MultipartFile) => Promise<void>;
}

/** The multipart body is not what the route takes (400), with the reason. */
export class MultipartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartRefused';
  }
}

const MAX_TEXT_FIELDS = 16;
const MAX_TEXT_BYTES = 256;

/**
 * Reads a multipart/form-data body with busboy, streaming: the request is fed to busboy one
 * chunk at a time, and busboy holds back the next chunk until the current file part's consumer
 * has taken the last (so a file is never buffered whole). Resolves with the text fields once
 * every file part has been received. On the first problem — a file refused by `onFile`, the body
 * over `maxBytes`, a part the route does not take, broken multipart framing — it stops reading
 * (the request is left paused, unread) and rejects.
 */
export function readMultipart(
  request: Readable,
  headers: IncomingHttpHeaders,
  options: MultipartOptions,
): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const stop = new AbortController();
    const fields: Record<string, string> = {};
    const received: Promise<void>[] = [];
    let failed = false;
    let parser: busboy.Busboy;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      stop.abort(err);
      parser?.destroy();
      reject(err);
    };
    try {
      // Required with the first upload, not at import: shub sleeps by default.
      const createParser = require('busboy') as typeof busboy;
      parser = createParser({
        headers,
        limits: {
          files: options.maxFiles,
          fields: MAX_TEXT_FIELDS,
          fieldSize: MAX_TEXT_BYTES,
          parts: options.maxFiles + MAX_TEXT_FIELDS,
        },
      });
    } catch (err) {
      return reject(
        new MultipartRefused(`Cannot read the multipart body: ${(err as Error).message}`),
      );
    }
    parser.on('file', (field, stream, info) => {
      // Destroying the parser after a failure errors the part in flight: nobody needs to hear it.
      stream.on('error', () => undefined);
      if (!options.fileFields.includes(field)) {
        stream.resume();
        return fail(
          new MultipartRefused(
            `Unexpected file field "${field}"; send the WAV as field ${options.fileFields.map((f) => `"${f}"`).join(' or ')}`,
          ),
        );
      }
      const done = options.onFile({ field, filename: info.filename ?? null, stream });
      received.push(done);
      done.catch(fail);
    });
    parser.on('field', (name, value, info) => {
      if (!options.textFields.includes(name)) {
        return fail(
          new MultipartRefused(
            `Unexpected field "${name}"; this route takes ${[...options.fileFields, ...options.textFields].map((f) => `"${f}"`).join(', ')}`,
          ),
        );
      }
      if (info.valueTruncated) {
        return fail(new MultipartRefused(`Field "${name}" is longer than ${MAX_TEXT_BYTES} bytes`));
      }
      fields[name] = value;
    });
    parser.on('filesLimit', () =>
      fail(new MultipartRefused(`At most ${options.maxFiles} file(s) may be sent at once`)),
    );
    parser.on('fieldsLimit', () => fail(new MultipartRefused('Too many form fields')));
    parser.on('partsLimit', () => fail(new MultipartRefused('Too many form parts')));
    parser.on('error', (err: Error) =>
      fail(new MultipartRefused(`The multipart body is malformed: ${err.message}`)),
    );
    parser.on('close', () => {
      if (failed) return;
      Promise.all(received).then(() => {
        if (!failed) resolve(fields);
      }, fail);
    });

    let bytes = 0;
    consume(request, stop.signal, async (chunk) => {
      bytes += chunk.length;
      if (bytes > options.maxBytes) throw new UploadTooLarge(options.maxBytes);
      await new Promise<void>((done, refuse) =>
        parser.write(chunk, (err?: Error | null) => (err ? refuse(err) : done())),
      );
    }).then(() => {
      if (!failed) parser.end();
    }, fail);
  });
}
