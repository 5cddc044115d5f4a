import pino, { DestinationStream } from 'pino';

/**
 * A log destination that writes the lines of one turn of the event loop in one write, at the
 * end of that turn (setImmediate), and whatever is left when the process exits.
 *
 * For request lines: under load one turn answers dozens of requests, and with a write(2) per
 * line an authenticated request cost ~15 % more CPU (bench/README.md, item 22). A request line
 * is logged once its response has finished, so a kill -9 can lose at most the lines of the
 * responses of the turn under way; no line waits longer than that turn.
 */
export class TurnBatchedDestination implements DestinationStream {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly target: { write(chunk: string): unknown }) {}

  write(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Writes what is pending now (also called at process exit). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.target.write(chunk);
  };
}

/** One per file descriptor, shared by every logger of the process that writes request lines. */
const byFd = new Map<number, TurnBatchedDestination>();

/** The turn-batched destination of `fd`, over a synchronous pino destination. */
export function turnBatchedDestination(fd: number): TurnBatchedDestination {
  let destination = byFd.get(fd);
  if (!destination) {
    const created = new TurnBatchedDestination(pino.destination({ fd, sync: true }));
    process.on('exit', created.flush);
    byFd.set(fd, created);
    destination = created;
  }
  return destination;
}
