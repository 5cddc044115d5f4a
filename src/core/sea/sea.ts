import * as sea from 'node:sea';

/**
 * Whether this process is the single-executable release (`npm run release`): its files
 * (config defaults, the console, swagger-ui's files, better-sqlite3's addon) are then SEA
 * assets, not files next to the code.
 */
export function isSea(): boolean {
  try {
    return sea.isSea();
  } catch {
    return false; // a Node without node:sea support
  }
}

/** One SEA asset's bytes (a copy: getAsset hands out a view of the executable's memory). */
export function seaAsset(name: string): Buffer {
  return Buffer.from(sea.getAsset(name));
}

/** The asset listing the others (node:sea has no listing of its own); written by scripts/release.js. */
export const SEA_MANIFEST_ASSET = 'sea-manifest.json';

export interface SeaManifest {
  /** sha256 over every asset's name and bytes: names the cache dir the assets go to. */
  hash: string;
  /** Paths relative to the project root, as the code looks them up (`config/default.json`, …). */
  files: string[];
}
