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

  it('commits at the end of the turn, with the writes queued by its later callbacks', async () => {
    await commits.run(insert('lone')); // a write that found no company does not change that
    let ranBeforeReturn = false;
    const first = commits.run(() => {
      insert('first')();
      ranBeforeReturn = true;
    });
    expect(ranBeforeReturn).toBe(false); // not on the caller's stack: the turn may bring more
    // a write queued by a later microtask of the same turn joins the same transaction
    let sameTransaction: boolean[] = [];
    const joined = await new Promise<Promise<void>[]>((resolve) => {
      queueMicrotask(() =>
        resolve([
          commits.run(() => {
            insert('second')();
            sameTransaction.push(db.inTransaction && !visible('first'));
          }),
        ]),
      );
    });
    await Promise.all([first, ...joined]);
    expect(sameTransaction).toEqual([true]);
    expect(['first', 'second'].map(visible)).toEqual([true, true]);

    // a write queued once the batch committed goes in the next one
    sameTransaction = [];
    await commits.run(() => {
      insert('third')();
      sameTransaction.push(visible('second'));
    });
    expect(sameTransaction).toEqual([true]);
  });

  it('rejects writes once the database is closed', async () => {
    db.close();
    await expect(commits.run(insert('a'))).rejects.toThrow('the database is closed');
  });
});
