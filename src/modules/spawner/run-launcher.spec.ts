import { limitsPrefix } from './run-launcher';

describe('limitsPrefix', () => {
  it('wraps the program in prlimit with each configured limit', () => {
    expect(limitsPrefix({ cpuSec: 5, fileSizeBytes: 4096 }, true, '/usr/bin/prlimit')).toEqual({
      prefix: ['/usr/bin/prlimit', '--cpu=5', '--fsize=4096', '--'],
      report: { applied: true, cpu_sec: 5, file_size_bytes: 4096 },
    });
  });

  it('reports the limits it could not apply when prlimit is missing', () => {
    expect(limitsPrefix({ addressSpaceBytes: 1 << 30 }, false, '/nowhere/prlimit')).toEqual({
      prefix: [],
      report: {
        applied: false,
        address_space_bytes: 1 << 30,
        note: '/nowhere/prlimit not found: limits not applied',
      },
    });
  });

  it('adds nothing when no limit is configured', () => {
    expect(limitsPrefix({}, true)).toEqual({
      prefix: [],
      report: { applied: false, note: 'no limits configured' },
    });
  });
});
