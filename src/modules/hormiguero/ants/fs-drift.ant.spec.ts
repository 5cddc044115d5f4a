import type { FileDrift } from '../file-drift.service';
import { driftFindings } from './fs-drift.ant';

const base: FileDrift = {
  baseline_recorded_at: '2026-11-30T00:00:00.000Z',
  baseline_recorded_now: false,
  roots: [],
  not_tracked: [],
  tracked_files: 10,
  skipped_files: 0,
  added: [],
  removed: [],
  changed: [],
  checked_at: '2026-11-30T01:00:00.000Z',
};

describe('fs_drift ant findings', () => {
  it('no drift, no finding', () => {
    expect(driftFindings(base)).toEqual([]);
  });

  it('one finding per root: config and build high, watch paths medium, with the files', () => {
    const findings = driftFindings({
      ...base,
      changed: [
        {
          path: 'config/default.json',
          root: 'config',
          baseline_sha256: 'a',
          sha256: 'b',
          baseline_bytes: 1,
          bytes: 2,
        },
      ],
      added: [{ path: '/srv/extra/new.txt', root: 'watch', sha256: 'c', bytes: 3 }],
      removed: [{ path: 'dist/src/main.js', root: 'build', sha256: 'd', bytes: 4 }],
    });
    expect(findings.map((f) => [f.title, f.severity])).toEqual([
      ['file drift in config', 'high'],
      ['file drift in build', 'high'],
      ['file drift in watch', 'medium'],
    ]);
    expect(findings[0].evidence.counts).toEqual({ changed: 1, added: 0, removed: 0 });
    expect(findings[0].detail).toContain('config/default.json');
  });

  it('says when files were left unhashed past the cap', () => {
    const findings = driftFindings({ ...base, skipped_files: 5 });
    expect(findings).toEqual([expect.objectContaining({ kind: 'fs_drift.too_many_files' })]);
  });
});
