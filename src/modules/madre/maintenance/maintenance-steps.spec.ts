import Database from 'better-sqlite3';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumFile } from '../../../core/database/backup-file-io';
import { verifyChecksum, verifyDatabaseFile } from './backup-file';
import { dataPaths } from './data-paths';
import { StatFs } from './disk-space';
import { MaintenanceOptions, runMaintenance, STEP_NAMES } from './maintenance-steps';

const DAYS = {
  events: 30,
  health_history: 7,
  power_events: 30,
  messages: 90,
  backups_archive: 14,
  metrics: 7,
};

describe('runMaintenance', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-maint-'));
    const paths = dataPaths(dir);
    db = new Database(paths.dbFile);
    db.pragma('journal_mode = WAL');
    db.exec(`
      CREATE TABLE migrations (id integer PRIMARY KEY, name text);
      CREATE TABLE health_history (id integer PRIMARY KEY, module text, ok boolean,
        latency_ms real, detail text, checked_at text);
      INSERT INTO health_history (module, ok, latency_ms, detail, checked_at)
        VALUES ('madre', 1, 1, 'ok', '2000-01-01T00:00:00.000Z');
    `);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (applyRetention: boolean, extra: Partial<MaintenanceOptions> = {}) =>
    runMaintenance({
      db,
      paths: dataPaths(dir),
      keepBackups: 2,
      retentionDays: DAYS,
      retentionOverBytes: 1024 * 1024 * 1024,
      applyRetention,
      ...extra,
    });
  const backupFiles = () =>
    existsSync(dataPaths(dir).backupsDir)
      ? readdirSync(dataPaths(dir).backupsDir).filter((n) => /^vx11_.*\.db$/.test(n))
      : [];
  /** A filesystem reporting `free` bytes available, in 4 KiB blocks; records what it was asked. */
  const disk = (free: number) => {
    const asked: string[] = [];
    const statfs: StatFs = (path) => {
      asked.push(path);
      return { bavail: Math.floor(free / 4096), bsize: 4096 };
    };
    return { statfs, asked };
  };

  it('runs every step and leaves a verified backup, a DB map and a scorecard', async () => {
    const report = await run(false);
    expect(report).toMatchObject({ status: 'ok', returncode: 0 });
    expect(Object.keys(report.steps)).toEqual([...STEP_NAMES]);
    for (const name of STEP_NAMES)
      expect({ name, ok: report.steps[name].ok }).toEqual({ name, ok: true });
    expect(report.steps.retention).toMatchObject({ applied: false });
    const backup = report.steps.backup as unknown as { file: string; sha256: string };
    expect(verifyDatabaseFile(backup.file)).toEqual({ ok: true, problems: [] });
    expect(readFileSync(checksumFile(backup.file), 'utf8')).toContain(backup.sha256);
    const paths = dataPaths(dir);
    expect(existsSync(join(paths.dbmapDir, 'DB_SCHEMA.json'))).toBe(true);
    expect(readFileSync(join(paths.dbmapDir, 'DB_MAP.md'), 'utf8')).toContain(
      '| health_history | madre | 1 |',
    );
    const scorecard = JSON.parse(readFileSync(paths.scorecardFile, 'utf8'));
    expect(scorecard.gates.backup_verified.ok).toBe(true);
  });

  it('applies retention when asked', async () => {
    const report = await run(true);
    expect(report.steps.retention).toMatchObject({
      applied: true,
      reason: 'requested',
      tables: { health_history: { deleted: 1 } },
    });
  });

  it('catches a backup whose bytes were flipped, by checksum and by integrity_check', async () => {
    const report = await run(false);
    const file = (report.steps.backup as unknown as { file: string }).file;
    const bytes = readFileSync(file);
    for (let i = 4096; i < bytes.length; i += 1) bytes[i] ^= 0xff;
    writeFileSync(file, bytes);
    const checksum = await verifyChecksum(file);
    expect(checksum).toMatchObject({ ok: false, checked: true });
    expect(checksum.problems[0]).toMatch(/does not match/);
    expect(verifyDatabaseFile(file).ok).toBe(false);
  });

  it('refuses the backup when the disk has less than twice the database free', async () => {
    const dbBytes = statSync(dataPaths(dir).dbFile).size;
    const low = disk(2 * dbBytes - 4096);
    const report = await run(false, { statfs: low.statfs });
    expect(report).toMatchObject({ status: 'failed', returncode: 1 });
    expect(report.steps.backup).toMatchObject({
      ok: false,
      free_bytes: 2 * dbBytes - 4096,
      required_bytes: expect.any(Number),
    });
    expect(report.steps.backup.required_bytes).toBeGreaterThanOrEqual(2 * dbBytes);
    expect(report.steps.backup.error).toMatch(
      /^not enough free disk space for a backup: \d+ bytes free on .*, \d+ needed \(twice the database's \d+ bytes, at least 0\)$/,
    );
    expect(low.asked).toHaveLength(1);
    expect(backupFiles()).toEqual([]);
    // every other step still ran
    expect(report.steps.integrity_check.ok).toBe(true);
    expect(report.steps.rotation.ok).toBe(true);

    const roomy = await run(false, { statfs: disk(1024 * 1024 * 1024).statfs });
    expect(roomy.steps.backup.ok).toBe(true);
    expect(backupFiles()).toHaveLength(1);
  });

  it('refuses the backup under the configured free-space floor', async () => {
    const report = await run(false, {
      statfs: disk(50 * 1024 * 1024).statfs,
      minFreeDiskBytes: 100 * 1024 * 1024,
    });
    expect(report.steps.backup).toMatchObject({
      ok: false,
      free_bytes: 50 * 1024 * 1024,
      required_bytes: 100 * 1024 * 1024,
    });
    expect(backupFiles()).toEqual([]);
  });

  it('reuses a backup younger than the minimum interval instead of taking another', async () => {
    const first = await run(false, { minBackupIntervalSec: 3600 });
    const second = await run(false, { minBackupIntervalSec: 3600 });
    expect(second.status).toBe('ok');
    expect(second.steps.backup).toMatchObject({
      ok: true,
      reused: true,
      name: first.steps.backup.name,
    });
    expect(backupFiles()).toEqual([first.steps.backup.name]);
    const third = await run(false, { minBackupIntervalSec: 0 });
    expect(third.steps.backup.reused).toBeUndefined();
    expect(backupFiles()).toHaveLength(2);
  });
});
