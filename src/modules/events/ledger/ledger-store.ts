import type Database from 'better-sqlite3';
import { fdatasync, statSync } from 'node:fs';
import { FileHandle, open as openFile } from 'node:fs/promises';
import type { EventFilter } from '../event-filter';
import { ChainStart, GENESIS_HASH, LedgerRow } from './ledger-row';

type StoredRow = Omit<LedgerRow, 'canonical'> & { canonical: number };

const COLUMNS =
  'id, event_id, type, source, severity, correlation_id, canonical, payload, timestamp, recorded_at, prev_hash, hash';

function fromStored(row: StoredRow): LedgerRow {
  return { ...row, canonical: row.canonical === 1 };
}

/**
 * All SQL of the ledger, on the better-sqlite3 connection TypeORM already holds (one
 * connection, so the ledger sees and is seen by every other write at once). Synchronous by
 * nature: a transaction here cannot interleave with anything else in the process.
 */
export class LedgerStore {
  private readonly insertStmt: Database.Statement;
  private readonly lastRowStmt: Database.Statement<[], { id: number; hash: string }>;
  private readonly anchorStmt: Database.Statement<[], { after_id: number; hash: string }>;
  private readonly afterStmt: Database.Statement<[number, number, number], StoredRow>;
  private readonly pageCache = new Map<string, Database.Statement>();
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;

  /** The WAL file to fsync after a commit; null when the database has none (not WAL mode). */
  readonly walPath: string | null;
  private wal: { handle: FileHandle; ino: number } | undefined;

  constructor(private readonly db: Database.Database) {
    this.tx = db.transaction((fn: () => unknown) => fn());
    const walMode = String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    this.walPath = walMode && !db.memory ? `${db.name}-wal` : null;
    this.insertStmt = db.prepare(
      `INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastRowStmt = db.prepare('SELECT id, hash FROM events ORDER BY id DESC LIMIT 1');
    this.anchorStmt = db.prepare('SELECT after_id, hash FROM ledger_anchor WHERE id = 1');
    this.afterStmt = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
    );
  }

  /** False once the database has been closed (during shutdown). */
  get open(): boolean {
    return this.db.open;
  }

  /** True while some other code holds a transaction open on the shared connection. */
  get busy(): boolean {
    return this.db.inTransaction;
  }

  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT, rolled back if it throws). */
  transaction<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }

  /**
   * Runs `fn` with synchronous=FULL, so its commit is fsynced before it returns; the
   * connection's own setting is restored afterwards.
   */
  durably<T>(fn: () => T): T {
    const previous = Number(this.db.pragma('synchronous', { simple: true }));
    this.db.pragma('synchronous = FULL');
    try {
      return fn();
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }

  /**
   * Makes every commit so far durable: fdatasync of the WAL file, on the thread pool. The
   * descriptor stays open between calls (one thread-pool hop per fsync) and is reopened if
   * SQLite replaced the file. The WAL carries no POSIX locks, so our descriptor on it is
   * harmless; a missing WAL means SQLite checkpointed it into the synced database and removed it.
   */
  async syncWal(): Promise<void> {
    if (this.walPath === null) return;
    let ino: number;
    try {
      ino = statSync(this.walPath).ino;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (this.wal?.ino !== ino) {
      const stale = this.wal;
      this.wal = { handle: await openFile(this.walPath, 'r'), ino };
      await stale?.handle.close();
    }
    await datasync(this.wal.handle.fd);
  }

  /** Closes the WAL descriptor (shutdown). */
  async close(): Promise<void> {
    const wal = this.wal;
    this.wal = undefined;
    await wal?.handle.close();
  }

  /** The row new events link to: the last row, else the retention anchor, else genesis. */
  head(): ChainStart {
    const last = this.lastRowStmt.get();
    if (last) return { afterId: last.id, hash: last.hash };
    return this.anchor() ?? { afterId: 0, hash: GENESIS_HASH };
  }

  anchor(): ChainStart | null {
    const row = this.anchorStmt.get();
    return row ? { afterId: row.after_id, hash: row.hash } : null;
  }

  insert(row: LedgerRow): void {
    // Positional binding: measurably cheaper than named on this hot path.
    this.insertStmt.run(
      row.id,
      row.event_id,
      row.type,
      row.source,
      row.severity,
      row.correlation_id,
      row.canonical ? 1 : 0,
      row.payload,
      row.timestamp,
      row.recorded_at,
      row.prev_hash,
      row.hash,
    );
  }

  maxId(): number {
    return this.lastRowStmt.get()?.id ?? 0;
  }

  /** Up to `limit` rows with afterId < id <= upToId, in id order. */
  rowsAfter(afterId: number, upToId: number, limit: number): LedgerRow[] {
    return this.afterStmt.all(afterId, upToId, limit).map(fromStored);
  }

  /** Newest first: rows below `before` (if given) that pass `filter`. */
  page(filter: EventFilter, before: number | undefined, limit: number): LedgerRow[] {
    const { where, params } = filter.toSql();
    if (before !== undefined) where.unshift('id < ?');
    const sql = `SELECT ${COLUMNS} FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    let stmt = this.pageCache.get(sql);
    if (!stmt) {
      if (this.pageCache.size >= 200) this.pageCache.clear(); // filters vary; keep it bounded
      stmt = this.db.prepare(sql);
      this.pageCache.set(sql, stmt);
    }
    const args = before !== undefined ? [before, ...params, limit] : [...params, limit];
    return (stmt.all(...args) as StoredRow[]).map(fromStored);
  }

  /** Newest-last: rows after `afterId` that pass `filter` (SSE catch-up after a reconnect). */
  since(filter: EventFilter, afterId: number, limit: number): LedgerRow[] {
    const { where, params } = filter.toSql();
    const sql = `SELECT ${COLUMNS} FROM events WHERE ${['id > ?', ...where].join(' AND ')} ORDER BY id LIMIT ?`;
    return (this.db.prepare(sql).all(afterId, ...params, limit) as StoredRow[]).map(fromStored);
  }

  /** The first id recorded at or after `iso`; null when every row is older. */
  firstIdRecordedSince(iso: string): number | null {
    const row = this.db
      .prepare('SELECT id FROM events WHERE recorded_at >= ? ORDER BY id LIMIT 1')
      .get(iso) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** The id and hash of the newest of the oldest `count` rows below `beforeId`. */
  lastOfOldest(beforeId: number, count: number): ChainStart | null {
    const row = this.db
      .prepare(
        'SELECT id, hash FROM (SELECT id, hash FROM events WHERE id < ? ORDER BY id LIMIT ?) ORDER BY id DESC LIMIT 1',
      )
      .get(beforeId, count) as { id: number; hash: string } | undefined;
    return row ? { afterId: row.id, hash: row.hash } : null;
  }

  /** Deletes every row up to and including `id`; returns how many went. */
  deleteUpTo(id: number): number {
    return this.db.prepare('DELETE FROM events WHERE id <= ?').run(id).changes;
  }

  /** Moves the anchor to `start`, adding `removed` to the pruned total. */
  moveAnchor(start: ChainStart, removed: number, at: string): void {
    this.db
      .prepare(
        `INSERT INTO ledger_anchor (id, after_id, hash, pruned_total, updated_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET after_id = excluded.after_id, hash = excluded.hash,
           pruned_total = pruned_total + excluded.pruned_total, updated_at = excluded.updated_at`,
      )
      .run(start.afterId, start.hash, removed, at);
  }
}

/**
 * fdatasync through the callback API: one thread-pool request, where FileHandle.datasync() makes
 * about eight promises (each a step for AsyncLocalStorage on Node 20). Safe on the handle's
 * descriptor: the writer runs one sync at a time and closes the handle only after the last.
 */
function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}
