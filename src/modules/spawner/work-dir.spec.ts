import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../core/errors/api-error';
import { resolveRunCwd } from './work-dir';

describe('resolveRunCwd', () => {
  let base: string;
  let root: string;
  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'vx11-workdir-')));
    root = join(base, 'work');
    mkdirSync(join(root, 'jobs', 'a'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(root, 'file.txt'), 'x');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const refusal = async (cwd: string) => {
    try {
      await resolveRunCwd(root, cwd);
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      return err as ApiError;
    }
    throw new Error(`accepted cwd ${cwd}`);
  };

  it('defaults to the work root and resolves relative and absolute paths inside it', async () => {
    expect(await resolveRunCwd(root, undefined)).toBe(root);
    expect(await resolveRunCwd(root, 'jobs/a')).toBe(join(root, 'jobs', 'a'));
    expect(await resolveRunCwd(root, join(root, 'jobs'))).toBe(join(root, 'jobs'));
    expect(await resolveRunCwd(root, 'jobs/../jobs/a/.')).toBe(join(root, 'jobs', 'a'));
  });

  it('refuses path traversal out of the root with 400', async () => {
    for (const cwd of ['..', '../outside', 'jobs/../../outside', '/etc', base]) {
      const err = await refusal(cwd);
      expect(err.status).toBe(400);
      expect(err.code).toBe('cwd_outside_work_root');
    }
  });

  it('refuses a symlink inside the root that points outside it', async () => {
    symlinkSync(join(base, 'outside'), join(root, 'escape'));
    const err = await refusal('escape');
    expect(err.code).toBe('cwd_outside_work_root');
    expect(err.message).toContain('leads outside');
  });

  it('follows a symlink that stays inside the root', async () => {
    symlinkSync(join(root, 'jobs', 'a'), join(root, 'link'));
    expect(await resolveRunCwd(root, 'link')).toBe(join(root, 'jobs', 'a'));
  });

  it('refuses a missing directory, a file and a NUL byte', async () => {
    expect((await refusal('nope')).code).toBe('cwd_not_found');
    expect((await refusal('file.txt')).code).toBe('cwd_not_a_directory');
    expect((await refusal('jobs\0')).status).toBe(400);
  });
});
