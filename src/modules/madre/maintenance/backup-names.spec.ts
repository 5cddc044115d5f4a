import { backupName, newestFirst, parseBackupName } from './backup-names';

describe('backup names', () => {
  const at = new Date('2026-01-02T03:04:05.678Z');

  it('formats the UTC time as vx11_YYYYMMDD_HHMMSS.db, with -N for a taken second', () => {
    expect(backupName(at)).toBe('vx11_20260102_030405.db');
    expect(backupName(at, 2)).toBe('vx11_20260102_030405-2.db');
  });

  it('parses what it formats and nothing else', () => {
    expect(parseBackupName('vx11_20260102_030405-2.db')).toEqual({
      name: 'vx11_20260102_030405-2.db',
      at: new Date('2026-01-02T03:04:05.000Z'),
      seq: 2,
    });
    for (const bad of [
      'vx11_20260102_030405.db.tmp',
      'vx11_20260102_030405.db.sha256',
      'other_20260102_030405.db',
      'vx11_20260231_030405.db',
      'vx11_2026012_030405.db',
    ]) {
      expect(parseBackupName(bad)).toBeNull();
    }
  });

  it('sorts newest first, then by sequence within one second', () => {
    const names = [
      'vx11_20260102_030405.db',
      'vx11_20260102_030406.db',
      'vx11_20260102_030405-1.db',
    ]
      .map((n) => parseBackupName(n)!)
      .sort(newestFirst)
      .map((b) => b.name);
    expect(names).toEqual([
      'vx11_20260102_030406.db',
      'vx11_20260102_030405-1.db',
      'vx11_20260102_030405.db',
    ]);
  });
});
