import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { ApiError } from '../../core/errors/api-error';
import { CoreErrors } from '../../core/errors/core-errors';
import { ErrorCode } from '../../core/errors/error-codes';
import { SpawnerErrors } from './spawner-errors';

const isInside = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const refuse = (code: ErrorCode, message: string) =>
  new ApiError(code, message, [{ field: 'cwd', errors: [message] }]);

/**
 * The working directory of a run: `cwd` (relative to the work root, or absolute) must name an
 * existing directory inside the work root, both as written and after symlinks are resolved, so
 * neither `../..` nor a link planted inside the root leads out. Returns its real path.
 */
export async function resolveRunCwd(workRoot: string, cwd: string | undefined): Promise<string> {
  const rootReal = await realpath(workRoot);
  if (cwd === undefined || cwd === '') return rootReal;
  if (cwd.includes('\0')) throw refuse(CoreErrors.validation_failed, 'cwd must not contain NUL');
  const target = resolve(rootReal, cwd);
  if (!isInside(rootReal, target) && !isInside(resolve(workRoot), resolve(workRoot, cwd))) {
    throw refuse(
      SpawnerErrors.cwd_outside_work_root,
      `cwd must stay inside the work root ${rootReal}`,
    );
  }
  let real: string;
  try {
    real = await realpath(isAbsolute(cwd) ? cwd : target);
  } catch {
    throw refuse(SpawnerErrors.cwd_not_found, `cwd ${cwd} does not exist under the work root`);
  }
  if (!isInside(rootReal, real)) {
    throw refuse(
      SpawnerErrors.cwd_outside_work_root,
      `cwd ${cwd} leads outside the work root ${rootReal}`,
    );
  }
  if (!(await stat(real)).isDirectory()) {
    throw refuse(SpawnerErrors.cwd_not_a_directory, `cwd ${cwd} is not a directory`);
  }
  return real;
}
