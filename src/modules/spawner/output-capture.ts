import { StringDecoder } from 'node:string_decoder';

/**
 * One output stream of a run, kept up to `capBytes`: what comes after is counted and dropped, so
 * a program writing gigabytes costs the server no more than the cap. The pipe is still drained
 * (a full pipe would block the program until its TTL).
 */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(readonly capBytes: number) {}

  /** Takes one chunk; returns the part that was kept (empty once the cap is reached). */
  push(chunk: Buffer): Buffer {
    this.total += chunk.length;
    const room = this.capBytes - this.kept;
    if (room <= 0) return EMPTY;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    // A copy, so a kept slice does not pin the whole (possibly large) chunk in memory.
    const copy = Buffer.from(part);
    this.chunks.push(copy);
    this.kept += copy.length;
    return copy;
  }

  /** Bytes the program wrote on this stream, kept or not. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes held in memory (never more than the cap). */
  get keptBytes(): number {
    return this.kept;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  /** The kept bytes as UTF-8; a character cut in half by the cap is left out, not mangled. */
  text(): string {
    const decoder = new StringDecoder('utf8');
    const body = this.chunks.map((c) => decoder.write(c)).join('');
    return this.truncated ? body : body + decoder.end();
  }
}

const EMPTY = Buffer.alloc(0);
