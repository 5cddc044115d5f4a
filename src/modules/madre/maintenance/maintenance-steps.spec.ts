import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumFile, verifyChecksum, verifyDatabaseFile } from './backup-file';
import { dataPaths } from './data-paths';
import { runMaintenance, STEP_NAMES } from './maintenance-steps';

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

  const run = (applyRetention: boolean) =>
    runMaintenance({
      db,
      paths: dataPaths(dir),
      keepBackups: 2,
      retentionDays: DAYS,
      retentionOverBytes: 1024 * 1024 * 1024,
      applyRetention,
    });

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
});
