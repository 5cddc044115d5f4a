import { sqliteNativeBinding } from './native-binding';

/**
 * Stands in for the `bindings` package in the release's bundle (scripts/release.js aliases it):
 * better-sqlite3 calls `require('bindings')('better_sqlite3.node')`, which cannot find a module
 * root inside a bundle.
 */
function bindings(name: string): object {
  const addon = sqliteNativeBinding();
  if (!addon) throw new Error(`bindings(${name}): only the release bundle uses this shim`);
  return addon;
}

export = bindings;
