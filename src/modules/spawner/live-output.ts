import { StringDecoder } from 'node:string_decoder';
import { guarded } from '../../core/util/guarded';

export type OutputStream = 'stdout' | 'stderr';

export interface OutputBatch {
  stream: OutputStream;
  /** Offset in bytes of this batch in the kept output of its stream. */
  offset: number;
  data: string;
  seq: number;
}

/** Size at which a batch is sent without waiting for the timer (kept below event payload limits). */
export const MAX_BATCH_BYTES = 8 * 1024;
export const FLUSH_INTERVAL_MS = 200;

/**
 * The live tail of a run: kept output gathered into `spawn.output` batches, sent every
 * FLUSH_INTERVAL_MS or when a batch reaches MAX_BATCH_BYTES, so a chatty program produces a
 * few events a second rather than one per pipe read.
 */
export class LiveOutput {
  private readonly pending: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly pendingBytes: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private readonly sent: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private readonly decoders: Record<OutputStream, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(private readonly send: (batch: OutputBatch) => void) {}

  add(stream: OutputStream, kept: Buffer): void {
    if (kept.length === 0) return;
    this.pending[stream].push(kept);
    this.pendingBytes[stream] += kept.length;
    if (this.pendingBytes[stream] >= MAX_BATCH_BYTES) this.flushStream(stream);
    else if (!this.timer) {
      this.timer = setTimeout(
        guarded('spawner output flush', () => this.flush()),
        FLUSH_INTERVAL_MS,
      );
      this.timer.unref();
    }
  }

  /** Sends whatever is pending (called by the timer, and once more when the run ends). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushStream('stdout');
    this.flushStream('stderr');
  }

  private flushStream(stream: OutputStream): void {
    const chunks = this.pending[stream];
    if (chunks.length === 0) return;
    const bytes = Buffer.concat(chunks);
    this.pending[stream] = [];
    this.pendingBytes[stream] = 0;
    const offset = this.sent[stream];
    this.sent[stream] += bytes.length;
    for (let at = 0; at < bytes.length; at += MAX_BATCH_BYTES) {
      const data = this.decoders[stream].write(bytes.subarray(at, at + MAX_BATCH_BYTES));
      if (data.length > 0) this.send({ stream, offset: offset + at, data, seq: this.seq++ });
    }
  }
}
