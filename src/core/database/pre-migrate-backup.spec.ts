import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  listPreMigrateBackups,
  parsePreMigrateName,
  preMigrateName,
  restoreDatabaseFrom,
  takePreMigrateBackup,
  verifyPreMigrateBackup,
} from './pre-migrate-backup';

describe('pre-migration backups', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vx11-premig-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function liveDb(file: string): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE migrations (id integer primary key, timestamp bigint, name varchar)');
    db.exec('CREATE TABLE notes (id integer primary key, body text)');
    db.prepare('INSERT INTO notes (body) VALUES (?)').run('kept');
    return db;
  }

  it('names carry from, to and the UTC time, and parse back', () => {
    const at = new Date(Date.UTC(2026, 10, 30, 23, 5, 9));
    const name = preMigrateName('1796071550992', '1796080000000', at, 2);
    expect(name).toBe('pre-migrate_1796071550992_1796080000000_20261130_230509-2.db');
    expect(parsePreMigrateName(name)).toEqual({
      name,
      from: '1796071550992',
      to: '1796080000000',
      at,
      seq: 2,
    });
    expect(parsePreMigrateName('vx11_20261130_230509.db')).toBeNull();
    expect(parsePreMigrateName('pre-migrate_1_2_20261331_230509.db')).toBeNull();
  });

  it('takes a verified copy with its checksum; a changed byte fails verification', async () => {
    const db = liveDb(join(dir, 'vx11.db'));
    const now = new Date(Date.UTC(2026, 10, 30, 23, 0, 0));
    const first = await takePreMigrateBackup(db, join(dir, 'backups'), { from: '1', to: '2' }, now);
    const second = await takePreMigrateBackup(
      db,
      join(dir, 'backups'),
      { from: '1', to: '2' },
      now,
    );
    db.close();
    expect(second.name).toBe(first.name.replace('.db', '-1.db'));
    expect(listPreMigrateBackups(join(dir, 'backups')).map((b) => b.name)).toEqual([
      second.name,
      first.name,
    ]);
    expect(await verifyPreMigrateBackup(first.file)).toEqual({ ok: true, problems: [] });
    writeFileSync(`${first.file}.sha256`, `${'0'.repeat(64)}  ${first.name}\n`);
    const verdict = await verifyPreMigrateBackup(first.file);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toMatch(/does not match/);
  });

  it('restores a backup over a changed database and drops its stale WAL', async () => {
    const file = join(dir, 'vx11.db');
    const db = liveDb(file);
    const backup = await takePreMigrateBackup(db, join(dir, 'backups'), { from: '1', to: '2' });
    db.exec('CREATE TABLE added (id integer)');
    db.prepare('DELETE FROM notes').run();
    db.close();
    restoreDatabaseFrom(backup.file, file);
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT body FROM notes').all()).toEqual([{ body: 'kept' }]);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'added'").get()).toBe(
      undefined,
    );
    after.close();
  });

  it('refuses to restore a file that is not a VX11 database', () => {
    const bogus = join(dir, 'bogus.db');
    new Database(bogus).exec('CREATE TABLE t (x)');
    expect(() => restoreDatabaseFrom(bogus, join(dir, 'vx11.db'))).toThrow(/no migrations table/);
  });
});
