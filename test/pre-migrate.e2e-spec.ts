import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  listPreMigrateBackups,
  verifyPreMigrateBackup,
} from '../src/core/database/pre-migrate-backup';
import { rotateBackups } from '../src/modules/madre/maintenance/backup-rotation';
import { dataPaths } from '../src/modules/madre/maintenance/data-paths';
import { assertBuilt, childEnv, deleteQueueKeys, PROJECT_DIR, spawnApp } from './support/child-app';
import { assertCliBuilt, runCli } from './support/cli';

/**
 * Issue 19 item 2, end to end with real builds: the current build (dist/) makes a database with
 * data; a newer build (a copy of dist/ with one more migration) starts on it, takes a verified
 * pre-migration backup, logs BD BACKUP and migrates; `vx11 rollback` brings back the old schema
 * and data so the current build starts again. A build whose migration fails puts the database
 * back by itself and exits with a clear message.
 */

const MARKER_KEY = 'upgrade-probe';

/** A copy of dist/ under test-artifacts/ (so node_modules and config/ resolve) plus one migration. */
function newerBuild(root: string, label: string, migrationJs: (className: string) => string) {
  const ts = String(Date.now());
  const className = `UpgradeProbe${ts}`;
  const build = join(root, label);
  cpSync(join(PROJECT_DIR, 'dist'), join(build, 'dist'), { recursive: true });
  const migrationsDir = join(build, 'dist', 'migrations');
  writeFileSync(join(migrationsDir, `${ts}-upgrade-probe.js`), migrationJs(className));
  const index = join(migrationsDir, 'index.js');
  writeFileSync(
    index,
    `${readFileSync(index, 'utf8')}\nexports.MIGRATIONS.push(require('./${ts}-upgrade-probe').${className});\n`,
  );
  return { ts, mainJs: join(build, 'dist', 'src', 'main.js') };
}

const goodMigration = (className: string) => `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class ${className} {
  constructor() { this.name = '${className}'; }
  async up(q) {
    await q.query('CREATE TABLE "upgrade_probe" ("id" integer PRIMARY KEY NOT NULL, "note" text NOT NULL)');
    await q.query("UPDATE \\"madre_settings\\" SET \\"value\\" = 'after' WHERE \\"key\\" = '${MARKER_KEY}'");
  }
  async down(q) {
    await q.query('DROP TABLE "upgrade_probe"');
  }
}
exports.${className} = ${className};
`;

/**
 * Commits what it did before failing (as migrations that must toggle foreign_keys outside a
 * transaction do), so its half-done table stays unless VX11 puts the backup back.
 */
const failingMigration = (className: string) => `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class ${className} {
  constructor() { this.name = '${className}'; }
  async up(q) {
    await q.commitTransaction();
    await q.query('CREATE TABLE "half_done" ("id" integer PRIMARY KEY NOT NULL)');
    await q.query("UPDATE \\"madre_settings\\" SET \\"value\\" = 'broken' WHERE \\"key\\" = '${MARKER_KEY}'");
    await q.startTransaction();
    throw new Error('probe migration fails on purpose');
  }
  async down() {}
}
exports.${className} = ${className};
`;

interface BuildRun {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  waitForListening(timeoutMs?: number): Promise<void>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs another build's main.js like spawnApp runs dist/'s (same cwd, exactly `env`). */
function spawnMain(mainJs: string, env: NodeJS.ProcessEnv): BuildRun {
  const child = spawn(process.execPath, [mainJs], {
    cwd: PROJECT_DIR,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('close', (code, signal) => done({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    exited,
    stderr: () => err,
    waitForListening: async (timeoutMs = 20000) => {
      const deadline = Date.now() + timeoutMs;
      while (!/VX11 listening on/.test(err)) {
        if (gone) throw new Error(`the newer build exited before listening:\n${err}`);
        if (Date.now() > deadline) throw new Error(`the newer build did not listen:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const tableExists = (file: string, name: string) =>
  readDb(
    file,
    (db) => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name),
  );
const marker = (file: string) =>
  readDb(
    file,
    (db) =>
      (
        db.prepare('SELECT value FROM madre_settings WHERE key = ?').get(MARKER_KEY) as
          { value: string } | undefined
      )?.value,
  );
const newestMigration = (file: string) =>
  readDb(file, (db) =>
    String((db.prepare('SELECT max(timestamp) AS ts FROM migrations').get() as { ts: number }).ts),
  );

describe('upgrades that can be undone (pre-migration backup, vx11 rollback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vx11-premigrate-'));
  const artifacts = join(PROJECT_DIR, 'test-artifacts', `pre-migrate-${process.pid}-${Date.now()}`);
  const env = childEnv(dir);
  const dataDir = env.VX11_DATA_DIR!;
  const dbFile = join(dataDir, 'vx11.db');
  const architectLog = join(env.VX11_LOGS_DIR!, 'architect.log');
  let baseline: string;

  beforeAll(async () => {
    assertBuilt();
    assertCliBuilt();
    mkdirSync(artifacts, { recursive: true });
    // the current build creates and migrates the database; then some data of the operator's
    const app = spawnApp(env);
    await app.waitForListening();
    expect(await app.stop()).toEqual({ code: 0, signal: null });
    const db = new Database(dbFile, { fileMustExist: true });
    db.prepare('INSERT INTO madre_settings (key, value, updated_at) VALUES (?, ?, ?)').run(
      MARKER_KEY,
      'before',
      new Date().toISOString(),
    );
    db.close();
    baseline = newestMigration(dbFile);
  }, 60000);

  afterAll(async () => {
    await deleteQueueKeys(env.REDIS_URL!, env.VX11_QUEUE_PREFIX!);
    rmSync(dir, { recursive: true, force: true });
    rmSync(artifacts, { recursive: true, force: true });
  });

  it('backs up, logs BD BACKUP and migrates; rollback brings back the old schema and data', async () => {
    expect(listPreMigrateBackups(join(dataDir, 'backups'))).toEqual([]); // a new database needs none
    const build = newerBuild(artifacts, 'good', goodMigration);

    const upgraded = spawnMain(build.mainJs, env);
    await upgraded.waitForListening();
    // the rollback refuses while a server uses the data dir
    const refused = await runCli(['rollback'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing to roll back: VX11 is running/);
    expect(await upgraded.stop()).toEqual({ code: 0, signal: null });

    expect(tableExists(dbFile, 'upgrade_probe')).toBe(true);
    expect(marker(dbFile)).toBe('after');
    expect(newestMigration(dbFile)).toBe(build.ts);

    const backups = listPreMigrateBackups(join(dataDir, 'backups'));
    expect(backups).toHaveLength(1);
    const [backup] = backups;
    expect(backup.name).toMatch(
      new RegExp(`^pre-migrate_${baseline}_${build.ts}_\\d{8}_\\d{6}\\.db$`),
    );
    expect(await verifyPreMigrateBackup(backup.file)).toEqual({ ok: true, problems: [] });
    expect(marker(backup.file)).toBe('before');
    expect(tableExists(backup.file, 'upgrade_probe')).toBe(false);
    const log = readFileSync(architectLog, 'utf8');
    expect(log).toMatch(
      new RegExp(`\\] BD BACKUP: pre-migration backup .*${backup.name} .*sha256 [0-9a-f]{64}`),
    );
    // BD BACKUP is written before the migration's own line
    expect(log.indexOf('BD BACKUP:')).toBeLessThan(log.indexOf('BD MIGRATE:'));

    // the nightly rotation never archives or deletes it
    rotateBackups(dataPaths(dataDir), { keep: 0, archiveDays: 0 });
    expect(existsSync(backup.file)).toBe(true);

    const rolled = await runCli(['rollback'], env);
    expect(rolled.stderr).toBe('');
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toContain(`rolled back ${dbFile} to ${backup.name}`);
    expect(tableExists(dbFile, 'upgrade_probe')).toBe(false);
    expect(marker(dbFile)).toBe('before');
    expect(newestMigration(dbFile)).toBe(baseline);
    expect(readFileSync(architectLog, 'utf8')).toContain(
      `ROLLBACK: ${dbFile} restored from ${backup.name}`,
    );

    // a second rollback would lose what was written since: refused
    const again = await runCli(['rollback'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already at migration/);

    // the previous build starts on the rolled-back database, with nothing to migrate
    const previous = spawnApp(env);
    await previous.waitForListening();
    expect(await previous.stop()).toEqual({ code: 0, signal: null });
    expect(listPreMigrateBackups(join(dataDir, 'backups'))).toHaveLength(1);
    expect(marker(dbFile)).toBe('before');
  }, 90000);

  it('a failed migration puts the backup back and exits with a clear message', async () => {
    const build = newerBuild(artifacts, 'failing', failingMigration);
    const before = listPreMigrateBackups(join(dataDir, 'backups')).length;
    const broken = spawnMain(build.mainJs, env);
    const exit = await broken.exited;
    expect(exit.code).toBe(1);
    expect(broken.stderr()).toMatch(/probe migration fails on purpose/);
    expect(broken.stderr()).toMatch(/restored from the pre-migration backup .*pre-migrate_/);

    expect(tableExists(dbFile, 'half_done')).toBe(false);
    expect(marker(dbFile)).toBe('before');
    expect(newestMigration(dbFile)).toBe(baseline);
    const backups = listPreMigrateBackups(join(dataDir, 'backups'));
    expect(backups).toHaveLength(before + 1);
    expect(await verifyPreMigrateBackup(backups[0].file)).toEqual({ ok: true, problems: [] });
    expect(readFileSync(architectLog, 'utf8')).toMatch(/BD RESTORE: Migrating .* failed/);

    // and the current build still starts on it
    const current = spawnApp(env);
    await current.waitForListening();
    expect(await current.stop()).toEqual({ code: 0, signal: null });
  }, 90000);
});
