import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { MigrationFailedError, migrateWithBackup } from './migration-runner';
import { listPreMigrateBackups, verifyPreMigrateBackup } from './pre-migrate-backup';

const events: string[] = [];

class First1700000000001 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.query('CREATE TABLE "notes" ("id" integer PRIMARY KEY, "body" text NOT NULL)');
    await q.query(`INSERT INTO "notes" ("body") VALUES ('v1')`);
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE "notes"');
  }
}

class Second1700000000002 implements MigrationInterface {
  async up(q: QueryRunner) {
    events.push('migrate'); // after the backup was logged, or the order test fails
    await q.query(`UPDATE "notes" SET "body" = 'v2'`);
  }
  async down() {}
}

/** Commits its half-done change before failing, so only the backup can undo it. */
class Broken1700000000003 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.commitTransaction();
    await q.query(`UPDATE "notes" SET "body" = 'half-done'`);
    await q.startTransaction();
    throw new Error('broken on purpose');
  }
  async down() {}
}

describe('migrations at start (migrateWithBackup)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-migrun-'));
    events.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function open(migrations: Array<new () => MigrationInterface>) {
    const ds = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'vx11.db'),
      migrations,
    });
    await ds.initialize();
    return ds;
  }
  const hooks = () => ({
    backupsDir: join(dir, 'backups'),
    log: (event: string, message: string) => events.push(`${event}: ${message}`),
  });
  const body = async (ds: DataSource) =>
    ((await ds.query('SELECT body FROM notes')) as Array<{ body: string }>)[0].body;

  it('takes no backup for a new database, then backs up and logs before migrating', async () => {
    let ds = await open([First1700000000001]);
    const fresh = await migrateWithBackup(ds, hooks());
    expect(fresh).toMatchObject({ from: null, pending: ['First1700000000001'], backup: null });
    await ds.destroy();
    expect(listPreMigrateBackups(join(dir, 'backups'))).toEqual([]);

    ds = await open([First1700000000001, Second1700000000002]);
    const upgrade = await migrateWithBackup(ds, hooks());
    expect(upgrade.from).toBe('1700000000001');
    expect(upgrade.to).toBe('1700000000002');
    expect(upgrade.backup!.name).toMatch(
      /^pre-migrate_1700000000001_1700000000002_\d{8}_\d{6}\.db$/,
    );
    expect(events[0]).toMatch(/^BD BACKUP: pre-migration backup .*sha256 [0-9a-f]{64}/);
    expect(events[1]).toBe('migrate');
    expect(await body(ds)).toBe('v2');
    expect(await verifyPreMigrateBackup(upgrade.backup!.file)).toEqual({ ok: true, problems: [] });

    // nothing pending: nothing done
    expect((await migrateWithBackup(ds, hooks())).backup).toBeNull();
    await ds.destroy();
  });

  it('puts the backup back when a migration fails, and says so', async () => {
    let ds = await open([First1700000000001]);
    await migrateWithBackup(ds, hooks());
    await ds.destroy();

    ds = await open([First1700000000001, Broken1700000000003]);
    // TypeORM prints the failing migration on the console; the assertions below read the error
    const typeormLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const failure = await migrateWithBackup(ds, hooks()).catch((err: unknown) => err);
    typeormLog.mockRestore();
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as Error).message).toMatch(
      /failed \(Broken1700000000003\): broken on purpose\. The database was restored from the pre-migration backup/,
    );
    expect(ds.isInitialized).toBe(false);
    expect(events.some((e) => e.startsWith('BD RESTORE: '))).toBe(true);

    ds = await open([First1700000000001]);
    expect(await body(ds)).toBe('v1');
    expect(existsSync(join(dir, 'vx11.db.restore.tmp'))).toBe(false);
    await ds.destroy();
  });
});
