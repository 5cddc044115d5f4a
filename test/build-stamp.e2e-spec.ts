import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// scripts/ is plain Node (it runs before anything is built), so it is required, not imported.
const { buildIfStale, staleReason, writeStamp } = require('../scripts/build-stamp') as {
  staleReason(root: string): string | null;
  writeStamp(root: string, startedAt?: Date): void;
  buildIfStale(build: () => void, options: { root: string; log?: (line: string) => void }): boolean;
};

const HOUR = 3600_000;

describe('npm start builds only when a build input changed (scripts/build-stamp.js)', () => {
  let root: string;
  const files = [
    'src/main.ts',
    'src/core/a.ts',
    'migrations/index.ts',
    'tsconfig.json',
    'tsconfig.build.json',
    'package-lock.json',
    'dist/src/main.js',
  ];
  const at = (offsetMs: number) => new Date(Date.now() + offsetMs);
  const setTime = (rel: string, when: Date) => utimesSync(join(root, rel), when, when);

  /** A project whose inputs all date from two hours ago, built (stamped) one hour ago. */
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vx11-stamp-'));
    for (const rel of files) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), '//\n');
    }
    for (const rel of [...files, 'src/core', 'src', 'migrations']) setTime(rel, at(-2 * HOUR));
    writeStamp(root, at(-HOUR));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is current when nothing changed since the stamp', () => {
    expect(staleReason(root)).toBeNull();
  });

  it('is stale without a build or without a stamp', () => {
    unlinkSync(join(root, 'dist', '.build-stamp'));
    expect(staleReason(root)).toBe('no record of the last build');
    unlinkSync(join(root, 'dist', 'src', 'main.js'));
    expect(staleReason(root)).toBe('no build yet');
  });

  it.each(['src/core/a.ts', 'migrations/index.ts', 'tsconfig.build.json', 'package-lock.json'])(
    'is stale when %s is newer than the stamp',
    (rel) => {
      setTime(rel, at(0));
      expect(staleReason(root)).toBe(`${rel} changed`);
    },
  );

  it('is stale when a source file is deleted or a tsconfig is added', () => {
    unlinkSync(join(root, 'src', 'core', 'a.ts')); // only the directory's mtime moves
    expect(staleReason(root)).toBe('src/core changed');
    setTime('src/core', at(-2 * HOUR));
    expect(staleReason(root)).toBeNull();
    writeFileSync(join(root, 'tsconfig.lint.json'), '{}');
    expect(staleReason(root)).toBe('tsconfig.lint.json changed');
  });

  it('builds once, stamps the build, and skips the next start', () => {
    setTime('src/main.ts', at(0));
    const builds: number[] = [];
    const log: string[] = [];
    const options = { root, log: (line: string) => log.push(line) };
    expect(buildIfStale(() => builds.push(1), options)).toBe(true);
    expect(buildIfStale(() => builds.push(2), options)).toBe(false);
    expect(builds).toEqual([1]);
    expect(log).toEqual(['[vx11] building (src/main.ts changed)…', '[vx11] build is up to date']);
  });

  it('does not stamp a failed build', () => {
    unlinkSync(join(root, 'dist', '.build-stamp'));
    expect(() =>
      buildIfStale(
        () => {
          throw new Error('tsc failed');
        },
        { root, log: () => undefined },
      ),
    ).toThrow('tsc failed');
    expect(staleReason(root)).toBe('no record of the last build');
  });
});
