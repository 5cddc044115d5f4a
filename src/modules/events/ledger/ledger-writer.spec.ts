import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';
import { Events1795355635308 } from '../../../../migrations/1795355635308-events';
import { applyPragmas } from '../../../core/database/data-source-options';
import type { VxEvent } from '../../../core/events/event-bus.service';
import type { EventView } from '../event-view';
import { ChainWalker } from './ledger-row';
import { LedgerStore } from './ledger-store';
import { LedgerWriteError, LedgerWriter, LINGER_MS } from './ledger-writer';

const event = (n: number): VxEvent => ({
  event_id: randomUUID(),
  type: 'spec.event',
  source: 'spec',
  timestamp: new Date().toISOString(),
  correlation_id: null,
  severity: 'info',
  payload: { n },
  canonical: false,
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('LedgerWriter', () => {
  let dir: string;
  let db: Database.Database;
  let store: LedgerStore;
  const commits: EventView[][] = [];

  const makeWriter = (maxBatch = 500) => {
    const writer = new LedgerWriter(store, maxBatch);
    writer.onCommit((views) => commits.push(views));
    return writer;
  };
  const append = (writer: LedgerWriter, n: number) =>
    writer.append(event(n), JSON.stringify({ n }));
  const verify = () => {
    const walker = new ChainWalker(store.anchor());
    store.rowsAfter(0, store.maxId(), 100000).forEach((r) => walker.add(r));
    return walker.report();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-ledger-'));
    db = new Database(join(dir, 'ledger.db'));
    applyPragmas(db);
    const runner = { query: async (sql: string) => db.exec(sql) } as unknown as QueryRunner;
    await new Events1795355635308().up(runner);
    store = new LedgerStore(db);
    commits.length = 0;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close(); // its WAL descriptor, else closed by GC with a deprecation warning
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the events of one tick as one batch, in order, as a valid chain', async () => {
    const writer = makeWriter();
    const views = await Promise.all(Array.from({ length: 100 }, (_, i) => append(writer, i)));
    expect(views.map((v) => v.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(views.map((v) => v.payload.n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(commits).toHaveLength(1);
    expect(commits[0]).toEqual(views);
    expect(verify()).toMatchObject({ ok: true, length: 100 });
  });

  it('splits a large burst into batches of at most maxBatch, published in commit order', async () => {
    const writer = makeWriter(10);
    await Promise.all(Array.from({ length: 95 }, (_, i) => append(writer, i)));
    expect(commits.map((c) => c.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(commits.flat().map((v) => v.id)).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
    expect(verify()).toMatchObject({ ok: true, length: 95 });
  });

  it('links later batches to the head already stored', async () => {
    const first = makeWriter();
    await append(first, 0);
    const second = makeWriter(); // e.g. after a restart
    await Promise.all([append(second, 1), append(second, 2)]);
    expect(verify()).toMatchObject({ ok: true, length: 3 });
  });

  it('answers the callers only once the WAL fsync has returned', async () => {
    expect(store.walPath).toBe(join(dir, 'ledger.db-wal'));
    const gate = deferred();
    const sync = jest.spyOn(store, 'syncWal').mockImplementation(() => gate.promise);
    const writer = makeWriter();
    let answered = false;
    const pending = append(writer, 1).then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 }); // committed
    expect(answered).toBe(false); // but not yet durable
    expect(commits).toHaveLength(0);
    gate.resolve();
    await pending;
    expect(commits).toHaveLength(1);
    expect(sync).toHaveBeenCalledTimes(1);
  });

  it('gathers what arrives during an fsync into the next batch, committed when it returns', async () => {
    const gates = [deferred(), deferred()];
    let calls = 0;
    jest.spyOn(store, 'syncWal').mockImplementation(() => gates[calls++].promise);
    const writer = makeWriter();
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const a = append(writer, 1);
    await new Promise((r) => setImmediate(r));
    expect(count()).toBe(1);
    const b = Promise.all([append(writer, 2), append(writer, 3)]);
    await new Promise((r) => setTimeout(r, 10));
    const c = append(writer, 4);
    await new Promise((r) => setTimeout(r, 10));
    expect(count()).toBe(1); // queued behind the fsync in flight
    expect(calls).toBe(1);
    gates[0].resolve();
    await a;
    // the next batch is written in the turn after the fsync returns (setImmediate)
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(count()).toBe(4); // one batch, one fsync
    expect(calls).toBe(2);
    gates[1].resolve();
    await Promise.all([b, c]);
    expect(commits.map((batch) => batch.map((v) => v.payload.n))).toEqual([[1], [2, 3, 4]]);
    expect(verify()).toMatchObject({ ok: true, length: 4 });
  });

  it('refuses every caller of a batch whose fsync failed', async () => {
    jest.spyOn(store, 'syncWal').mockRejectedValue(new Error('EIO'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const writer = makeWriter();
    const results = await Promise.allSettled([append(writer, 1), append(writer, 2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(LedgerWriteError);
    expect(commits).toHaveLength(0);
    expect(logged).toHaveBeenCalledWith('ledger write failed: EIO (2 event(s) refused)');
  });

  it('refuses appends once the database is closed', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const writer = makeWriter();
    db.close();
    await expect(append(writer, 1)).rejects.toThrow(LedgerWriteError);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('the database is closed'));
  });

  it('waits for a transaction another module holds open, and stays out of it', async () => {
    const writer = makeWriter();
    db.exec('BEGIN');
    let answered = false;
    const pending = append(writer, 1).then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    db.exec('ROLLBACK'); // the other module's work is undone; the event must survive
    await pending;
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
  });

  describe('events nobody waits for (emitted by modules)', () => {
    // setTimeout and Date are fake; the turns (setImmediate) and the fsync's I/O are real
    beforeEach(() =>
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }),
    );
    afterEach(() => jest.useRealTimers());
    const waitless = (writer: LedgerWriter, n: number) =>
      writer.append(event(n), JSON.stringify({ n }), false);
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const turns = async () => {
      for (let i = 0; i < 3; i += 1) await new Promise((r) => setImmediate(r));
    };
    const batches = () => commits.map((batch) => batch.map((v) => v.payload.n));

    it(`wait up to ${LINGER_MS} ms for company, then share one commit and one fsync`, async () => {
      const sync = jest.spyOn(store, 'syncWal');
      const writer = makeWriter();
      const first = waitless(writer, 1);
      await turns();
      expect(count()).toBe(0);
      jest.advanceTimersByTime(LINGER_MS - 1);
      const second = waitless(writer, 2); // does not put the first one off
      await turns();
      expect(count()).toBe(0);
      jest.advanceTimersByTime(1);
      await Promise.all([first, second]);
      expect(batches()).toEqual([[1, 2]]);
      expect(sync).toHaveBeenCalledTimes(1);
      expect(verify()).toMatchObject({ ok: true, length: 2 });
    });

    it('go along with an awaited event, at the end of its turn', async () => {
      const writer = makeWriter();
      const lingering = waitless(writer, 1);
      await turns();
      const awaited = append(writer, 2);
      await Promise.all([lingering, awaited]); // no fake time passes
      expect(batches()).toEqual([[1, 2]]);
    });

    it('are written at once by drain() (shutdown)', async () => {
      const writer = makeWriter();
      const lingering = waitless(writer, 1);
      writer.drain();
      expect(count()).toBe(1);
      await lingering;
      expect(batches()).toEqual([[1]]);
    });
  });

  it('after drain(), writes and fsyncs each append at once (shutdown)', async () => {
    const sync = jest.spyOn(store, 'syncWal');
    const durably = jest.spyOn(store, 'durably');
    const writer = makeWriter();
    writer.drain();
    const pending = append(writer, 1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 }); // synchronously
    await pending;
    expect(durably).toHaveBeenCalledTimes(1);
    expect(sync).not.toHaveBeenCalled();
  });
});
