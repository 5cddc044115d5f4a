import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { nativeDb } from './native-db';

interface Pending {
  write: () => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Retry delay while another transaction is open on the shared connection. */
const BUSY_RETRY_MS = 1;
/**
 * After a deferred commit that found no other write to take along, this many writes commit at
 * once instead: with one writer at a time, waiting for the next turn of the loop only adds
 * latency. Then deferring is tried again, and kept while commits do batch.
 */
const IMMEDIATE_AFTER_LONE_BATCH = 64;

const shared = new WeakMap<Database.Database, GroupCommit>();

/**
 * Group commit for small writes that each must be committed before their caller goes on (chat
 * messages, provider usage): the writes queued during one turn of the event loop share one
 * transaction. Each write runs in its own savepoint, so one that throws is rolled back and
 * refused alone while the rest commit. Under low concurrency writes commit at once
 * (IMMEDIATE_AFTER_LONE_BATCH). Durability is the connection's (WAL, synchronous=NORMAL): a
 * caller is answered after COMMIT.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private immediateLeft = 0;
  /** Writes queued by run(), whose callers wait for the commit. */
  private waiting = 0;
  private readonly single: Database.Transaction<(write: () => void) => void>;
  private readonly batch: Database.Transaction<(batch: Pending[]) => Array<Error | undefined>>;

  constructor(private readonly db: Database.Database) {
    this.single = db.transaction((write: () => void) => write());
    // called inside `batch`, `single` runs as a savepoint
    this.batch = db.transaction((batch: Pending[]) =>
      batch.map(({ write }) => {
        try {
          this.single(write);
          return undefined;
        } catch (err) {
          return asError(err);
        }
      }),
    );
  }

  /** The one group commit of a data source's connection. */
  static of(dataSource: DataSource): GroupCommit {
    const db = nativeDb(dataSource);
    let commit = shared.get(db);
    if (!commit) {
      commit = new GroupCommit(db);
      shared.set(db, commit);
    }
    return commit;
  }

  /** Runs `write` (synchronous statements) in the next group commit; resolves once committed. */
  run(write: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.waiting += 1;
      if (this.immediateLeft > 0 && this.waiting === 1) {
        this.immediateLeft -= 1;
        this.commit(); // with any write queued by later()
      } else {
        this.schedule(0);
      }
    });
  }

  /**
   * Queues `write` for a commit no caller waits on: it rides along with the next run() (one
   * commit instead of two), or commits at the next turn of the loop. Resolves once committed.
   */
  later(write: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.schedule(0);
    });
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      if (this.waiting <= 1) this.immediateLeft = IMMEDIATE_AFTER_LONE_BATCH;
      this.commit();
    };
    if (delayMs > 0) setTimeout(flush, delayMs);
    else setImmediate(flush);
  }

  private commit(): void {
    if (this.queue.length === 0) return;
    if (!this.db.open) {
      this.waiting = 0;
      this.settle(this.queue.splice(0), new Error('the database is closed'));
      return;
    }
    if (this.db.inTransaction) {
      // a TypeORM transaction is open across an await: writing now would nest into it
      this.schedule(BUSY_RETRY_MS);
      return;
    }
    const batch = this.queue;
    this.queue = [];
    this.waiting = 0;
    if (batch.length === 1) {
      const [only] = batch;
      try {
        this.single(only.write);
      } catch (err) {
        only.reject(asError(err));
        return;
      }
      only.resolve();
      return;
    }
    let outcomes: Array<Error | undefined>;
    try {
      outcomes = this.batch(batch);
    } catch (err) {
      this.settle(batch, err);
      return;
    }
    outcomes.forEach((err, i) => (err ? batch[i].reject(err) : batch[i].resolve()));
  }

  private settle(batch: Pending[], cause: unknown): void {
    const err = asError(cause);
    for (const pending of batch) pending.reject(err);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
