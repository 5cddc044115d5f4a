import { join } from 'node:path';
import { isSea } from './sea';
import { seaProjectRoot } from './sea-root';

/** better-sqlite3's addon as the release ships it (an asset, extracted to the cache dir). */
export const SQLITE_ADDON_ASSET = 'better_sqlite3.node';

let addon: object | undefined;

/**
 * The one place better-sqlite3's native binding comes from. Outside the release: undefined
 * (better-sqlite3 finds its build in node_modules). In the release: the addon loaded from the
 * cache dir, as an object — a path would go through the SEA's require, which loads built-ins
 * only. TypeORM passes it on as the `nativeBinding` option; the release's bundle also answers
 * better-sqlite3's own `bindings` lookup with it, so every `new Database()` uses it.
 */
export function sqliteNativeBinding(): object | undefined {
  if (!isSea()) return undefined;
  if (!addon) {
    const file = join(seaProjectRoot()!, SQLITE_ADDON_ASSET);
    const module = { exports: {} as object };
    try {
      process.dlopen(module, file);
    } catch (err) {
      throw new Error(
        `Cannot load better-sqlite3's addon from ${file} (${(err as Error).message}); ` +
          'if that directory is on a noexec mount, point VX11_CACHE_DIR elsewhere',
      );
    }
    addon = module.exports;
  }
  return addon;
}
