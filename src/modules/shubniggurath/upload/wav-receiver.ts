import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { framesIn } from '../dsp/audio-analyzer';
import { WavFormat, WavFormatError } from '../dsp/wav-format';
import { WavHeaderParser } from '../dsp/wav-header-parser';

export interface ReceivedWav {
  bytes: number;
  format: WavFormat;
  frames: number;
}

/** The upload went past its byte limit (413). */
export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than the ${limit}-byte limit`);
    this.name = 'UploadTooLarge';
  }
}

/** The client went away before the body ended. */
export class UploadAborted extends Error {
  constructor() {
    super('The client closed the connection before the upload ended');
    this.name = 'UploadAborted';
  }
}

export interface ReceiveOptions {
  /** More bytes than this fail the upload with UploadTooLarge as soon as they arrive. */
  maxBytes?: number;
  /** Aborting stops the upload with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Streams one WAV upload to `path` (created, never overwritten), chunk by chunk with
 * backpressure: the source is paused while a chunk is written, so memory holds one chunk.
 * The header is read on the way in, so a body that is not an analysable WAV is refused at its
 * first bytes; at the end, data shorter than its chunk declares is `truncated`.
 *
 * On failure the source is left paused and unread (never destroyed: the caller still answers
 * on its connection) and the partial file is left for the caller to remove.
 */
export async function receiveWav(
  source: Readable,
  path: string,
  options: ReceiveOptions = {},
): Promise<ReceivedWav> {
  const file = await open(path, 'wx', 0o600);
  const parser = new WavHeaderParser();
  let bytes = 0;
  try {
    await consume(source, options.signal, async (chunk) => {
      bytes += chunk.length;
      if (options.maxBytes !== undefined && bytes > options.maxBytes) {
        throw new UploadTooLarge(options.maxBytes);
      }
      parser.push(chunk);
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await file.write(chunk, written, chunk.length - written);
        written += bytesWritten;
      }
    });
  } finally {
    await file.close();
  }
  const format = parser.end();
  const frames = framesIn(format, bytes);
  checkData(format, bytes);
  if (frames === 0) throw new WavFormatError('malformed', 'The data chunk holds no audio frames');
  return { bytes, format, frames };
}

function checkData(format: WavFormat, bytes: number): void {
  const present = bytes - format.dataOffset;
  const declared = format.declaredDataBytes;
  if (declared !== null && present < declared) {
    throw new WavFormatError(
      'truncated',
      `The data chunk declares ${declared} bytes of audio but only ${Math.max(0, present)} arrived: the file is truncated`,
    );
  }
  if (declared !== null && declared % format.blockAlign !== 0) {
    throw new WavFormatError(
      'malformed',
      `The data chunk size ${declared} is not a whole number of ${format.blockAlign}-byte frames`,
    );
  }
}

/**
 * Calls `sink` for each chunk of `source`, one at a time (paused while the sink works), until
 * the source ends. Rejects with the sink's error, the signal's reason, or UploadAborted; it
 * then stops listening and leaves the source paused.
 */
export function consume(
  source: Readable,
  signal: AbortSignal | undefined,
  sink: (chunk: Buffer) => Promise<void>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let busy = false;
    let ended = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) {
        source.pause();
        reject(err);
      } else {
        resolve();
      }
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      source.pause();
      busy = true;
      sink(chunk).then(
        () => {
          busy = false;
          if (ended) finish();
          else if (!settled) source.resume();
        },
        (err: unknown) => finish(err),
      );
    };
    const onEnd = () => {
      ended = true;
      if (!busy) finish();
    };
    const onError = () => finish(new UploadAborted());
    const onClose = () => {
      if (!ended) finish(new UploadAborted());
    };
    const onAbort = () => finish(signal?.reason);
    if (signal?.aborted) return finish(signal.reason);
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    source.resume();
  });
}
