import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isSea } from '../sea/sea';
import { seaProjectRoot } from '../sea/sea-root';

/** The folder holding package.json, whether we run from src/ (tests) or dist/src/ (built). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * Where package.json, config/ and the console's files are. In the single-executable release
 * they are SEA assets, extracted to a cache dir (see core/sea): that dir is the root then.
 */
export const PROJECT_ROOT = seaProjectRoot() ?? findProjectRoot(__dirname);

/**
 * What relative data, logs and work dirs are relative to: the project root, or in the release
 * the working directory (data must never land in the cache dir).
 */
export const RUNTIME_BASE = isSea() ? process.cwd() : PROJECT_ROOT;
