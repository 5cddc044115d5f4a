// Decides whether `npm start` must rebuild: dist/ is current when a stamp written by the last
// successful build is newer than every build input. Only Node built-ins here.
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const defaultRoot = join(__dirname, '..');

/** What the build reads: sources, migrations, compiler settings, the exact dependency set. */
function buildInputs(root) {
  const tsconfigs = readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name));
  return ['src', 'migrations', 'package-lock.json', ...tsconfigs].map((name) => join(root, name));
}

/**
 * The most recently modified file or directory under `paths` (a directory counts too: deleting
 * or renaming a file changes its directory's mtime, not any remaining file's).
 */
function newestInput(paths) {
  let newest = { path: null, mtimeMs: 0 };
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return; // an input that does not exist (no migrations/ yet) changes nothing
    }
    if (stat.mtimeMs > newest.mtimeMs) newest = { path, mtimeMs: stat.mtimeMs };
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    }
  };
  paths.forEach(visit);
  return newest;
}

function stampPath(root) {
  return join(root, 'dist', '.build-stamp');
}

/** Why dist/ must be rebuilt, or null when it is current. */
function staleReason(root = defaultRoot) {
  if (!existsSync(join(root, 'dist', 'src', 'main.js'))) return 'no build yet';
  const stamp = stampPath(root);
  if (!existsSync(stamp)) return 'no record of the last build';
  const builtAt = statSync(stamp).mtimeMs;
  const newest = newestInput(buildInputs(root));
  if (newest.mtimeMs > builtAt) return `${relative(root, newest.path)} changed`;
  return null;
}

/**
 * Marks dist/ as built from the inputs as they were at `startedAt`: the stamp takes the build's
 * start time, so a file saved while tsc was running still counts as newer next time.
 */
function writeStamp(root = defaultRoot, startedAt = new Date()) {
  const stamp = stampPath(root);
  writeFileSync(stamp, `built from sources as of ${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
}

/** Runs `build` only when dist/ is stale, then stamps it. Returns whether it built. */
function buildIfStale(build, { root = defaultRoot, log = console.log } = {}) {
  const reason = staleReason(root);
  if (reason === null) {
    log('[vx11] build is up to date');
    return false;
  }
  log(`[vx11] building (${reason})…`);
  const startedAt = new Date();
  build();
  writeStamp(root, startedAt);
  return true;
}

module.exports = { buildIfStale, staleReason, writeStamp };
