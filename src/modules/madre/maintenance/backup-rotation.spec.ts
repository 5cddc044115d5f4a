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

    const result = rotateBackups(paths, 2, 14, new Date('2026-01-10T12:00:00Z'));

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
    expect(rotateBackups(dataPaths(dir), 2, 14)).toEqual({
      kept: [],
      archived: [],
      deleted: [],
      stale_tmp_removed: [],
    });
    expect(listBackups(dataPaths(dir))).toEqual([]);
  });
});
