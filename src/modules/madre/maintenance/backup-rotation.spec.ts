import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBackups, rotateBackups } from './backup-rotation';
import { dataPaths } from './data-paths';

describe('backup rotation', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-rotation-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const touch = (file: string) => writeFileSync(file, 'x');

  it('keeps the newest N, archives the rest with their checksums, and prunes old archives', () => {
    const paths = dataPaths(dir);
    mkdirSync(paths.archivedDir, { recursive: true });
    for (const name of [
      'vx11_20260110_000000.db',
      'vx11_20260110_000000-1.db',
      'vx11_20260109_120000.db',
      'vx11_20260108_120000.db',
    ]) {
      touch(join(paths.backupsDir, name));
      touch(join(paths.backupsDir, `${name}.sha256`));
    }
    touch(join(paths.archivedDir, 'vx11_20251201_000000.db'));
    touch(join(paths.archivedDir, 'vx11_20260105_000000.db'));
    touch(join(paths.backupsDir, 'notes.txt'));

    const result = rotateBackups(
      paths,
      { keep: 2, archiveDays: 14 },
      new Date('2026-01-10T12:00:00Z'),
    );

    expect(result.kept).toEqual(['vx11_20260110_000000-1.db', 'vx11_20260110_000000.db']);
    expect(result.archived).toEqual(['vx11_20260109_120000.db', 'vx11_20260108_120000.db']);
    expect(result.deleted).toEqual(['vx11_20251201_000000.db']);
    expect(readdirSync(paths.archivedDir).sort()).toEqual([
      'vx11_20260105_000000.db',
      'vx11_20260108_120000.db',
      'vx11_20260108_120000.db.sha256',
      'vx11_20260109_120000.db',
      'vx11_20260109_120000.db.sha256',
    ]);
    expect(existsSync(join(paths.backupsDir, 'notes.txt'))).toBe(true);
    expect(listBackups(paths).map((b) => `${b.location}:${b.name}`)).toEqual([
      'kept:vx11_20260110_000000-1.db',
      'kept:vx11_20260110_000000.db',
      'archived:vx11_20260109_120000.db',
      'archived:vx11_20260108_120000.db',
      'archived:vx11_20260105_000000.db',
    ]);
  });

  it('does nothing on an empty data dir', () => {
    expect(rotateBackups(dataPaths(dir), { keep: 2, archiveDays: 14 })).toEqual({
      kept: [],
      archived: [],
      deleted: [],
      deleted_over_cap: [],
      archive_bytes: 0,
      stale_tmp_removed: [],
    });
    expect(listBackups(dataPaths(dir))).toEqual([]);
  });

  it('deletes the oldest archived backups (with their checksums) while the archive is over its cap', () => {
    const paths = dataPaths(dir);
    mkdirSync(paths.archivedDir, { recursive: true });
    const KIB = 1024;
    // kept ones never count: only archived/ is capped
    writeFileSync(join(paths.backupsDir, 'vx11_20260110_000000.db'), Buffer.alloc(50 * KIB));
    for (const day of ['05', '06', '07', '08', '09']) {
      const file = join(paths.archivedDir, `vx11_202601${day}_000000.db`);
      writeFileSync(file, Buffer.alloc(10 * KIB));
      writeFileSync(`${file}.sha256`, 'x'.repeat(100));
    }
    const result = rotateBackups(
      paths,
      { keep: 1, archiveDays: 14, archiveMaxBytes: 25 * KIB },
      new Date('2026-01-10T12:00:00Z'),
    );
    expect(result.deleted).toEqual([]);
    expect(result.deleted_over_cap).toEqual([
      'vx11_20260105_000000.db',
      'vx11_20260106_000000.db',
      'vx11_20260107_000000.db',
    ]);
    expect(result.archive_bytes).toBe(2 * (10 * KIB + 100));
    expect(readdirSync(paths.archivedDir).sort()).toEqual([
      'vx11_20260108_000000.db',
      'vx11_20260108_000000.db.sha256',
      'vx11_20260109_000000.db',
      'vx11_20260109_000000.db.sha256',
    ]);
    expect(result.kept).toEqual(['vx11_20260110_000000.db']);
    // under the cap: nothing more goes
    const again = rotateBackups(
      paths,
      { keep: 1, archiveDays: 14, archiveMaxBytes: 25 * KIB },
      new Date('2026-01-10T12:00:00Z'),
    );
    expect(again).toMatchObject({ deleted: [], deleted_over_cap: [] });
    expect(readdirSync(paths.archivedDir)).toHaveLength(4);
  });
});
