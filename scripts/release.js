#!/usr/bin/env node
// `npm run release`: the single-executable release, release/vx11-linux-x64 (+ .sha256).
//
//   1. `npm run build` (tsc: its output carries the decorator metadata Nest needs; esbuild
//      emits none, so the bundle starts from dist/, not from the TypeScript)
//   2. esbuild bundles dist/src/sea-main.js into one CommonJS file
//   3. the assets (package.json, config/, the operator console, Swagger UI's files and
//      better-sqlite3's addon) and a manifest listing them go into a SEA blob
//   4. the blob is injected with postject into a copy of this Node binary
//
// Options: --no-build (bundle the dist/ that is there), --out <dir> (default release/).
// Only Node built-ins and the dev dependencies esbuild and postject.
const { execFileSync, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative, resolve, sep } = require('node:path');

const root = resolve(__dirname, '..');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const MANIFEST_ASSET = 'sea-manifest.json'; // src/core/sea/sea.ts
const ADDON_ASSET = 'better_sqlite3.node'; // src/core/sea/native-binding.ts
const BINARY = `vx11-${process.platform}-${process.arch}`;

/**
 * Optional requires Nest and friends guard with try/catch (or never reach in VX11): replaced by
 * a module that throws MODULE_NOT_FOUND, as if not installed. Left external they would go to
 * the SEA's require, which warns and loads built-ins only.
 */
const ABSENT = [
  '@nestjs/microservices',
  '@nestjs/microservices/microservices-module',
  '@nestjs/websockets',
  '@nestjs/websockets/socket-module',
  '@nestjs/platform-express',
  'class-transformer/storage',
  '@fastify/view',
  'bufferutil',
  'utf-8-validate',
  'msgpackr-extract',
];

/** Swagger UI's files that /docs serves (not the source maps or ES bundles). */
const SWAGGER_FILES = [
  'favicon-16x16.png',
  'favicon-32x32.png',
  'index.css',
  'index.html',
  'LICENSE',
  'oauth2-redirect.html',
  'oauth2-redirect.js',
  'swagger-initializer.js',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'swagger-ui.css',
  'swagger-ui.js',
];

function log(line) {
  console.log(`[vx11 release] ${line}`);
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

const posix = (path) => path.split(sep).join('/');

/** Asset name (a project-relative path, as the code looks it up) → file on disk. */
function collectAssets() {
  const assets = new Map();
  const add = (name, file) => assets.set(name, file);
  add('package.json', join(root, 'package.json'));
  for (const file of filesUnder(join(root, 'config')).filter((f) => f.endsWith('.json'))) {
    add(posix(relative(root, file)), file);
  }
  for (const file of filesUnder(join(root, 'src', 'modules', 'operator', 'console'))) {
    add(posix(relative(root, file)), file);
  }
  const swagger = dirname(require.resolve('swagger-ui-dist/package.json', { paths: [root] }));
  for (const name of SWAGGER_FILES) add(`swagger-ui-dist/${name}`, join(swagger, name));
  const sqlite = dirname(require.resolve('better-sqlite3/package.json', { paths: [root] }));
  add(ADDON_ASSET, join(sqlite, 'build', 'Release', ADDON_ASSET));
  for (const [name, file] of assets) {
    if (!existsSync(file)) throw new Error(`asset ${name}: ${file} is missing`);
  }
  return assets;
}

function manifestOf(assets) {
  const hash = createHash('sha256');
  const files = [...assets.keys()].sort();
  for (const name of files) {
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(assets.get(name)))
      .update('\0');
  }
  return { hash: hash.digest('hex'), files };
}

/** esbuild plugin: the ABSENT modules, and the two lookups a bundle cannot do (see core/sea). */
function releasePlugin(distSea) {
  const absent = new Set(ABSENT);
  return {
    name: 'vx11-release',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) =>
        absent.has(args.path) ? { path: args.path, namespace: 'vx11-absent' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'vx11-absent' }, (args) => ({
        contents:
          `const e = new Error(${JSON.stringify(`Cannot find module '${args.path}'`)});` +
          "e.code = 'MODULE_NOT_FOUND'; throw e;",
        loader: 'js',
      }));
      build.onResolve({ filter: /^bindings$/ }, () => ({
        path: join(distSea, 'bindings-shim.js'),
      }));
      build.onResolve({ filter: /^swagger-ui-dist\/absolute-path(\.js)?$/ }, () => ({
        path: join(distSea, 'swagger-ui-path-shim.js'),
      }));
    },
  };
}

async function bundle(entry, outfile, distSea) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    keepNames: true, // Nest and TypeORM use class names (migrations, providers)
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [releasePlugin(distSea)],
  });
  const missing = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('vx11-absent:'));
  log(`bundle: ${outfile} (${mib(statSync(outfile).size)}; absent: ${missing.length} optional)`);
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(argv) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12) || (major === 21 && minor < 7)) {
    throw new Error(
      `Node ${process.version} cannot embed SEA assets: use Node 20.12+ (22 LTS works)`,
    );
  }
  const noBuild = argv.includes('--no-build');
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? resolve(argv[outIndex + 1]) : join(root, 'release');
  mkdirSync(outDir, { recursive: true });
  // scratch files (bundle, blob) outside the checkout: nothing for lint or git to trip on
  const work = mkdtempSync(join(tmpdir(), 'vx11-release-'));
  try {
    return await assemble(noBuild, outDir, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function assemble(noBuild, outDir, work) {
  if (!noBuild) {
    log('npm run build');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  }
  const distSea = join(root, 'dist', 'src', 'core', 'sea');
  const entry = join(root, 'dist', 'src', 'sea-main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\``);

  const bundleFile = join(work, 'vx11.cjs');
  await bundle(entry, bundleFile, distSea);

  const assets = collectAssets();
  const manifest = manifestOf(assets);
  const manifestFile = join(work, MANIFEST_ASSET);
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const seaConfig = {
    main: bundleFile,
    output: join(work, 'vx11.blob'),
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    // V8's code cache of the bundle: without it, compiling the one 6 MB script at each start
    // peaked at ~43 MB of parser memory that malloc never gave back (idle RSS 149 → 107 MB on a
    // restart, bench/README.md item 27). The price: a native import() in the bundle throws;
    // the four left in dependencies are on paths VX11 never takes.
    useCodeCache: true,
    assets: { [MANIFEST_ASSET]: manifestFile, ...Object.fromEntries(assets) },
  };
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify(seaConfig, null, 2));
  log(`assets: ${assets.size} files (manifest ${manifest.hash.slice(0, 16)})`);
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {
    cwd: work,
    stdio: 'inherit',
  });

  const binary = join(outDir, BINARY);
  rmSync(binary, { force: true });
  copyFileSync(process.execPath, binary);
  chmodSync(binary, 0o755);
  const postject = require.resolve('postject/dist/cli.js', { paths: [root] });
  // postject 1.0.0-alpha.6 warns about `.note.100` sections on Linux: harmless, not shown
  const injected = spawnSync(
    process.execPath,
    [postject, binary, 'NODE_SEA_BLOB', seaConfig.output, '--sentinel-fuse', SEA_FUSE],
    { cwd: work, encoding: 'utf8' },
  );
  const noise = /^warning: Can't find string offset for section name '\.note[.\d]*'$/;
  const said = `${injected.stdout}${injected.stderr}`
    .split('\n')
    .filter((l) => l && !noise.test(l));
  if (injected.status !== 0) {
    throw new Error(`postject failed (exit ${injected.status}): ${said.join('\n')}`);
  }
  for (const line of injected.stderr.split('\n').filter((l) => l && !noise.test(l))) {
    log(`postject: ${line}`);
  }
  const sha256 = createHash('sha256').update(readFileSync(binary)).digest('hex');
  writeFileSync(`${binary}.sha256`, `${sha256}  ${BINARY}\n`);
  log(`${binary}: ${mib(statSync(binary).size)}, Node ${process.version}, sha256 ${sha256}`);
  return binary;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`[vx11 release] failed: ${err.stack ?? err}`);
    process.exit(1);
  });
}

module.exports = { main, BINARY };
