import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  let reader: Database.Database;
  let commits: GroupCommit;
  const insert = (id: string) => () => {
    db.prepare('INSERT INTO t (id) VALUES (?)').run(id);
  };
  const visible = (id: string) => !!reader.prepare('SELECT 1 FROM t WHERE id = ?').get(id);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-group-commit-'));
    db = new Database(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    reader = new Database(join(dir, 'db.sqlite'), { readonly: true });
    commits = new GroupCommit(db);
  });
  afterEach(() => {
    reader.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves once the write is committed (another connection sees it)', async () => {
    await commits.run(insert('a'));
    expect(visible('a')).toBe(true);
  });

  it('commits the writes queued together in one transaction', async () => {
    const seenUncommitted: boolean[] = [];
    const writes = ['a', 'b', 'c'].map((id, i) =>
      commits.run(() => {
        insert(id)();
        // the earlier writes of the batch are not committed yet: same transaction
        if (i > 0) seenUncommitted.push(!visible('a') && db.inTransaction);
      }),
    );
    await Promise.all(writes);
    expect(seenUncommitted).toEqual([true, true]);
    expect(['a', 'b', 'c'].map(visible)).toEqual([true, true, true]);
  });

  it('refuses a failing write alone, undoing its own statements', async () => {
    const results = await Promise.allSettled([
      commits.run(insert('a')),
      commits.run(() => {
        insert('b')();
        throw new Error('refused');
      }),
      commits.run(insert('a')), // a duplicate key: SQLite refuses it
      commits.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused');
    expect(['a', 'b', 'c'].map(visible)).toEqual([true, false, true]);
  });

  it('waits for a transaction someone else holds open instead of joining it', async () => {
    db.exec('BEGIN');
    db.prepare("INSERT INTO t (id) VALUES ('theirs')").run();
    const mine = commits.run(insert('mine'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    db.exec('ROLLBACK'); // their work is undone; mine must not go with it
    await mine;
    expect(visible('mine')).toBe(true);
    expect(visible('theirs')).toBe(false);
  });

  it('commits at once when writes come one at a time, and batches again under load', async () => {
    await commits.run(insert('lone')); // deferred, found alone: the next writes go at once
    let ranBeforeReturn = false;
    const next = commits.run(() => {
      insert('next')();
      ranBeforeReturn = true;
    });
    expect(ranBeforeReturn).toBe(true);
    await next;
    for (let i = 0; i < 63; i += 1) await commits.run(insert(`one-${i}`));
    // the immediate run is used up: concurrent writes share a transaction again
    const inBatch: boolean[] = [];
    await Promise.all(
      ['x', 'y'].map((id) =>
        commits.run(() => {
          insert(id)();
          inBatch.push(!visible('x'));
        }),
      ),
    );
    expect(inBatch).toEqual([true, true]);
  });

  it('commits a later() write with the next run(), or on its own at the next turn', async () => {
    await commits.run(insert('lone')); // immediate from now on
    const riding = commits.later(insert('usage'));
    let sameTransaction = false;
    await commits.run(() => {
      insert('answer')();
      sameTransaction = db.inTransaction && !visible('usage');
    });
    await riding;
    expect(sameTransaction).toBe(true);
    expect(visible('usage')).toBe(true);

    await commits.later(insert('alone')); // nobody else writes: it still commits
    expect(visible('alone')).toBe(true);
  });

  it('rejects writes once the database is closed', async () => {
    db.close();
    await expect(commits.run(insert('a'))).rejects.toThrow('the database is closed');
  });
});
