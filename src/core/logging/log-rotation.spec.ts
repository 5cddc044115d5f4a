import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  archivePath,
  archiveStamp,
  expiredArchives,
  listArchives,
  parseArchiveName,
  rotationDue,
} from './log-rotation';

const policy = { keepDays: 7, maxBytes: 1000 };
const now = new Date('2026-11-30T12:00:00.000Z');

describe('log rotation policy', () => {
  it('rotates a log holding lines of an earlier UTC day, or at its size, never an empty one', () => {
    expect(rotationDue(10, '2026-11-29', policy, now)).toBe('daily');
    expect(rotationDue(10, '2026-11-30', policy, now)).toBeNull();
    expect(rotationDue(1000, '2026-11-30', policy, now)).toBe('size');
    expect(rotationDue(999, null, policy, now)).toBeNull();
    expect(rotationDue(0, '2026-11-01', policy, now)).toBeNull();
  });

  it('names archives by a file-safe UTC stamp and reads the time back', () => {
    const stamp = archiveStamp(now);
    expect(stamp).toBe('2026-11-30T12-00-00-000Z');
    expect(parseArchiveName(`alerts.log.${stamp}.gz`)).toEqual({
      log: 'alerts',
      at: now.getTime(),
      gz: true,
    });
    expect(parseArchiveName(`alerts.log.${stamp}-2`)).toEqual({
      log: 'alerts',
      at: now.getTime(),
      gz: false,
    });
    expect(parseArchiveName('alerts.log')).toBeNull();
    expect(parseArchiveName('alerts.log.yesterday.gz')).toBeNull();
  });

  describe('in a logs dir', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vx11-rot-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('never reuses an archive name rotated in the same millisecond', () => {
      const first = archivePath(dir, 'architect', now);
      writeFileSync(`${first}.gz`, '');
      const second = archivePath(dir, 'architect', now);
      expect(second).toBe(`${first}-1`);
      writeFileSync(second, '');
      expect(archivePath(dir, 'architect', now)).toBe(`${first}-2`);
    });

    it('lists archives oldest first and finds those past keepDays', () => {
      const day = 24 * 3600 * 1000;
      for (const ago of [1, 10, 3]) {
        writeFileSync(
          join(dir, `alerts.log.${archiveStamp(new Date(now.getTime() - ago * day))}.gz`),
          'x',
        );
      }
      writeFileSync(join(dir, 'other.log.2026-11-01T00-00-00-000Z.gz'), 'not ours');
      const all = listArchives(dir);
      expect(all.map((a) => a.rotated_at)).toEqual([
        '2026-11-20T12:00:00.000Z',
        '2026-11-27T12:00:00.000Z',
        '2026-11-29T12:00:00.000Z',
      ]);
      expect(expiredArchives(dir, 7, now).map((a) => a.rotated_at)).toEqual([
        '2026-11-20T12:00:00.000Z',
      ]);
    });
  });
});
