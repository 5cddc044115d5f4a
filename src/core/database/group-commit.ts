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

const shared = new WeakMap<Database.Database, GroupCommit>();

/**
 * Group commit for small writes that each must be committed before their caller goes on (chat
 * messages, provider usage): the writes queued during one turn of the event loop share one
 * transaction, committed once that turn's I/O callbacks have run (setImmediate). Each write runs
 * in its own savepoint, so one that throws is rolled back and refused alone while the rest
 * commit. Durability is the connection's (WAL, synchronous=NORMAL): a caller is answered after
 * COMMIT. Always waiting for the turn's end costs a lone writer only the hop to the check phase
 * and lets 32 concurrent chats share one commit in ~18 writes instead of ~2 (bench/README.md,
 * item 29).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
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

  /** Runs `write` (synchronous statements) in the turn's group commit; resolves once committed. */
  run(write: () => void): Promise<void> {
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
      this.commit();
    };
    if (delayMs > 0) setTimeout(flush, delayMs);
    else setImmediate(flush);
  }

  private commit(): void {
    if (this.queue.length === 0) return;
    if (!this.db.open) {
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
