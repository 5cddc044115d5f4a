import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isSea, SEA_MANIFEST_ASSET, SeaManifest, seaAsset } from './sea';

/** Marks a fully written cache dir: a dir without it is a leftover of an interrupted start. */
const COMPLETE_MARKER = '.complete';

/**
 * The data dir the configuration will name, worked out before the configuration can be loaded
 * (loading it needs config/default.json, one of the assets): VX11_DATA_DIR, else `dataDir` in
 * VX11_CONFIG_FILE, else the default's; relative to the working directory, like load-config
 * resolves it in the release. Only chooses where the cache goes: a config file that cannot be
 * read here is reported by load-config, not by this.
 */
export function seaDataDir(env: NodeJS.ProcessEnv, defaults: { dataDir?: unknown }): string {
  let dataDir = typeof defaults.dataDir === 'string' ? defaults.dataDir : 'data';
  if (env.VX11_CONFIG_FILE) {
    try {
      const extra = JSON.parse(readFileSync(env.VX11_CONFIG_FILE, 'utf8')) as { dataDir?: unknown };
      if (typeof extra.dataDir === 'string') dataDir = extra.dataDir;
    } catch {
      /* load-config names the problem */
    }
  }
  if (env.VX11_DATA_DIR) dataDir = env.VX11_DATA_DIR;
  return isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir);
}

/**
 * Where the release's cache goes: VX11_CACHE_DIR (say, for a data dir on a `noexec` mount,
 * which would block loading the addon), else `<data dir>/.cache`.
 */
export function seaCacheBase(env: NodeJS.ProcessEnv, defaults: { dataDir?: unknown }): string {
  const chosen = env.VX11_CACHE_DIR;
  if (chosen) return isAbsolute(chosen) ? chosen : resolve(process.cwd(), chosen);
  return join(seaDataDir(env, defaults), '.cache');
}

/**
 * Writes the SEA assets once to `<base>/vx11-<hash>` (a temp dir renamed into place, with a
 * completion marker; a second process starting at the same moment uses whichever dir won)
 * and returns that dir: the release's project root.
 */
export function extractSeaAssets(base: string): string {
  const manifest = JSON.parse(seaAsset(SEA_MANIFEST_ASSET).toString('utf8')) as SeaManifest;
  const dir = join(base, `vx11-${manifest.hash.slice(0, 16)}`);
  if (existsSync(join(dir, COMPLETE_MARKER))) return dir;
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const file of manifest.files) {
    const target = join(tmp, file);
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, seaAsset(file), { mode: 0o600 });
  }
  writeFileSync(join(tmp, COMPLETE_MARKER), `${manifest.hash}\n`, { mode: 0o600 });
  rmSync(dir, { recursive: true, force: true }); // an incomplete dir (no marker) from a crash
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, COMPLETE_MARKER))) throw err;
  }
  return dir;
}

let root: string | undefined;

/** The release's project root (extracting the assets on first use); undefined outside a SEA. */
export function seaProjectRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!isSea()) return undefined;
  if (root === undefined) {
    const defaults = JSON.parse(seaAsset('config/default.json').toString('utf8')) as {
      dataDir?: unknown;
    };
    root = extractSeaAssets(seaCacheBase(env, defaults));
  }
  return root;
}
