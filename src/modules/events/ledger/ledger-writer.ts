import { Logger } from '@nestjs/common';
import type { VxEvent } from '../../../core/events/event-bus.service';
import { guarded } from '../../../core/util/guarded';
import type { EventView } from '../event-view';
import { LedgerRow, rowHash } from './ledger-row';
import { LedgerStore } from './ledger-store';

/** An event waiting for the next group commit, with its payload already as canonical JSON. */
interface Pending {
  event: VxEvent;
  payloadText: string;
  resolve: (view: EventView) => void;
  reject: (err: Error) => void;
}

/**
 * How long an event nobody waits for (one a module emitted) waits for others before its
 * commit. Alone each such event cost a transaction and an fsync: at one chat at a time, a
 * tenth of a chat's CPU (bench/HISTORY.md, item 43). An ingested event, whose caller waits
 * for it, is committed at the end of its turn as before, and takes the waiting ones along.
 */
export const LINGER_MS = 5;

/** A committed batch waiting for its fsync. */
interface Committed {
  batch: Pending[];
  views: EventView[];
  started: bigint;
}

/** Called once a batch is durable, in commit order, with the time from BEGIN to durable. */
export type CommitListener = (views: EventView[], seconds: number) => void;

/** Thrown to every caller of a batch that could not be made durable (disk full, closed DB…). */
export class LedgerWriteError extends Error {
  constructor(cause: unknown) {
    super(`ledger write failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'LedgerWriteError';
  }
}

/**
 * The ledger's single writer, with group commit. One writer and one synchronous transaction
 * per batch keep the chain strictly linear without any lock.
 *
 * Durability without stalling the process: a batch commits into the WAL without waiting for
 * the disk, then the WAL is fsynced on libuv's thread pool while the event loop keeps serving.
 * Events arriving meanwhile queue up and become the next batch, committed when that fsync
 * returns (so batches grow with load, up to `maxBatch`). Callers are answered, and the feeds
 * see a batch, only after its fsync, in commit order. Without a WAL file, and at shutdown,
 * the commit itself is fsynced instead. Events nobody waits for linger (LINGER_MS) to share
 * a commit and an fsync with the next ones.
 */
export class LedgerWriter {
  private readonly logger = new Logger('Ledger');
  private queue: Pending[] = [];
  /** When the scheduled flush runs (ms since the epoch; 0: at the end of this turn). */
  private flushDue: number | undefined;
  private cancelFlush: (() => void) | undefined;
  /** Batches whose fsync is in flight, and those committed durably meanwhile (shutdown). */
  private syncing: Committed | undefined;
  private heldAfterSync: Committed[] = [];
  /** Set at shutdown: every append is written (and fsynced) at once, before the DB closes. */
  private immediate = false;
  private readonly listeners: CommitListener[] = [];

  constructor(
    private readonly store: LedgerStore,
    private readonly maxBatch: number,
  ) {}

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /**
   * Queues an event for the next group commit; resolves once it is durable. `awaited`: someone
   * waits for it (an ingest request), so it is committed at the end of this turn; otherwise it
   * may wait LINGER_MS for company.
   */
  append(event: VxEvent, payloadText: string, awaited = true): Promise<EventView> {
    return new Promise<EventView>((resolve, reject) => {
      this.queue.push({ event, payloadText, resolve, reject });
      if (this.immediate || this.queue.length >= this.maxBatch) this.flush();
      else this.schedule(awaited ? 0 : LINGER_MS);
    });
  }

  /** Writes everything queued now, and every later append at once (shutdown). */
  drain(): void {
    this.immediate = true;
    this.cancelScheduled();
    while (this.queue.length > 0 && !this.store.busy) this.flush();
  }

  /** After drain(): waits for an fsync still in flight, then lets go of the WAL descriptor. */
  async close(): Promise<void> {
    while (this.syncing) await new Promise((resolve) => setTimeout(resolve, 1));
    await this.store.close();
  }

  /** Flushes after `delayMs` (0: at the end of this turn), unless a flush is due sooner. */
  private schedule(delayMs = 0): void {
    const due = delayMs > 0 ? Date.now() + delayMs : 0;
    if (this.flushDue !== undefined && this.flushDue <= due) return;
    this.cancelScheduled();
    this.flushDue = due;
    const run = guarded(
      'ledger group commit',
      () => {
        this.flushDue = undefined;
        this.cancelFlush = undefined;
        this.flush();
      },
      { logger: this.logger, onError: (err) => this.failQueued(err) },
    );
    if (delayMs > 0) {
      const timer = setTimeout(run, delayMs);
      this.cancelFlush = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(run);
      this.cancelFlush = () => clearImmediate(immediate);
    }
  }

  private cancelScheduled(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.flushDue = undefined;
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    if (!this.store.open) {
      this.fail(this.queue.splice(0), new Error('the database is closed'));
      return;
    }
    if (this.syncing && !this.immediate) return; // the fsync in flight flushes when it returns
    if (this.store.busy) {
      // Another module's TypeORM transaction is open on the shared connection across an
      // await; writing now would nest into it (and vanish if it rolled back). Try again soon.
      this.schedule(1);
      return;
    }
    const batch = this.queue.splice(0, this.maxBatch);
    const started = process.hrtime.bigint();
    const syncNow = this.immediate || this.store.walPath === null;
    let views: EventView[];
    try {
      const commit = () => this.store.transaction(() => this.write(batch));
      views = syncNow ? this.store.durably(commit) : commit();
    } catch (err) {
      this.fail(batch, err);
      if (this.queue.length > 0) this.schedule();
      return;
    }
    const committed = { batch, views, started };
    if (!syncNow) this.sync(committed);
    else if (this.syncing)
      this.heldAfterSync.push(committed); // keep commit order
    else this.release([committed]);
    if (this.queue.length > 0) this.schedule();
  }

  private sync(committed: Committed): void {
    this.syncing = committed;
    this.store
      .syncWal()
      .then(
        () => this.release([committed]),
        (err: unknown) => this.fail(committed.batch, err),
      )
      .finally(
        guarded(
          'ledger commit after fsync',
          () => {
            this.syncing = undefined;
            this.release(this.heldAfterSync.splice(0));
            // Not at once: after this turn's I/O, so requests already readable on their
            // sockets join this batch (bigger batches: fewer commits, fsyncs and feed frames).
            if (this.queue.length > 0) this.schedule();
          },
          { logger: this.logger, onError: (err) => this.failQueued(err) },
        ),
      );
  }

  /** After an unexpected failure in a timer: answer the waiting callers rather than strand them. */
  private failQueued(cause: unknown): void {
    if (this.queue.length > 0) this.fail(this.queue.splice(0), cause);
  }

  /** Answers the callers and tells the listeners, batch by batch in commit order. */
  private release(group: Committed[]): void {
    const now = process.hrtime.bigint();
    for (const { batch, views, started } of group) {
      for (let i = 0; i < batch.length; i += 1) batch[i].resolve(views[i]);
      const seconds = Number(now - started) / 1e9;
      for (const listener of this.listeners) {
        try {
          listener(views, seconds);
        } catch (err) {
          this.logger.warn(`commit listener failed: ${(err as Error).message}`);
        }
      }
    }
  }

  /** Chains and inserts one batch; runs inside the transaction. */
  private write(batch: Pending[]): EventView[] {
    const recordedAt = new Date().toISOString();
    let { afterId: id, hash: prev } = this.store.head();
    return batch.map(({ event, payloadText }) => {
      id += 1;
      const unhashed = {
        id,
        event_id: event.event_id,
        type: event.type,
        source: event.source,
        severity: event.severity,
        correlation_id: event.correlation_id,
        canonical: event.canonical,
        payload: payloadText,
        timestamp: event.timestamp,
        recorded_at: recordedAt,
        prev_hash: prev,
      };
      const row: LedgerRow = { ...unhashed, hash: rowHash(unhashed) };
      this.store.insert(row);
      prev = row.hash;
      return { id, ...event };
    });
  }

  private fail(batch: Pending[], cause: unknown): void {
    const err = new LedgerWriteError(cause);
    this.logger.error(`${err.message} (${batch.length} event(s) refused)`);
    for (const pending of batch) pending.reject(err);
  }
}
