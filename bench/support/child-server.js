'use strict';

/**
 * What every bench shares: starting a server as a child process on 127.0.0.1, reading its
 * listening port, stopping it (SIGTERM, then SIGKILL), building dist/ when missing, and an
 * environment free of VX11 settings.
 */

const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { closeSync, existsSync, openSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');
const readline = require('node:readline');

const ROOT = resolve(__dirname, '..', '..');
/**
 * The compiled app: dist/ by default; BENCH_DIST_DIR names another tsc output dir (e.g.
 * `npx tsc -p tsconfig.build.json --outDir test-artifacts/bench-dist`), so a bench can measure a
 * build of its own while dist/ is being rebuilt by someone else. It must sit inside the project
 * (node_modules and package.json are found by walking up from it).
 */
const DIST = process.env.BENCH_DIST_DIR
  ? resolve(ROOT, process.env.BENCH_DIST_DIR)
  : join(ROOT, 'dist');
const MAIN = join(DIST, 'src', 'main.js');
const HOST = '127.0.0.1'; // the only address a bench ever talks to
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000; // VX11 allows itself 20 s (shutdownTimeoutMs) to drain

const children = new Set();

// Last resort: never leave a server running behind us.
process.on('exit', () => {
  for (const server of children) {
    if (!server.exited) server.child.kill('SIGKILL');
  }
});

function forwardLines(stream, prefix, onLine) {
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', (line) => {
    process.stderr.write(`${prefix} ${line}\n`);
    if (onLine) onLine(line);
  });
}

/** The port from a `{"msg":"… listening on http://127.0.0.1:PORT","port":PORT}` line, if it is one. */
function listeningPort(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line);
    const listening =
      typeof entry.msg === 'string' && entry.msg.includes(`listening on http://${HOST}:`);
    return listening && Number.isInteger(entry.port) && entry.port > 0 ? entry.port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Spawns a server and resolves once it has printed its listening line (on stderr). With
 * `stdoutFile`, the server's stdout (VX11's JSON log lines) goes straight to that file, as it
 * would in production, instead of through this process.
 */
function startServer(name, args, env, { stdoutFile } = {}) {
  const out = stdoutFile ? openSync(stdoutFile, 'a') : 'pipe';
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  if (typeof out === 'number') closeSync(out);
  const server = { name, child, port: undefined, exited: false, exit: undefined };
  children.add(server);
  const exited = new Promise((resolveExit) => {
    child.on('exit', (code, signal) => {
      server.exited = true;
      server.exit = { code, signal };
      children.delete(server);
      resolveExit(server.exit);
    });
  });
  server.exited$ = exited;

  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      rejectStart(
        new Error(`${name} did not report a listening port within ${START_TIMEOUT_MS} ms`),
      );
    }, START_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      rejectStart(new Error(`${name} could not be started: ${err.message}`));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (server.port === undefined) {
        rejectStart(new Error(`${name} exited before listening (code ${code}, signal ${signal})`));
      }
    });
    if (child.stdout) forwardLines(child.stdout, `[${name}]`);
    forwardLines(child.stderr, `[${name}]`, (line) => {
      const port = server.port === undefined ? listeningPort(line) : undefined;
      if (port !== undefined) {
        server.port = port;
        clearTimeout(timer);
        resolveStart(server);
      }
    });
  });
}

/** SIGTERM, wait for the exit (bounded), then SIGKILL. Resolves to how it ended. */
async function stopServer(server) {
  if (server.exited) return { ...server.exit, forced: false, already: true };
  server.child.kill('SIGTERM');
  let timer;
  const timeout = new Promise((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(undefined), STOP_TIMEOUT_MS);
  });
  const exit = await Promise.race([server.exited$, timeout]);
  clearTimeout(timer);
  if (exit) return { ...exit, forced: false, already: false };
  server.child.kill('SIGKILL');
  return { ...(await server.exited$), forced: true, already: false };
}

function say(line) {
  process.stdout.write(`${line}\n`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  if (process.env.BENCH_DIST_DIR) {
    if (!existsSync(MAIN)) throw new Error(`BENCH_DIST_DIR: ${MAIN} does not exist`);
    return;
  }
  if (!existsSync(MAIN)) {
    say('dist/src/main.js is missing: running npm run build');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const build = spawnSync(npm, ['run', 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2], // keep stdout for the bench's own lines
      shell: process.platform === 'win32',
    });
    if (build.status !== 0 || !existsSync(MAIN)) {
      throw new Error(
        `npm run build failed (exit ${build.status}${build.error ? `, ${build.error.message}` : ''})`,
      );
    }
    return;
  }
  const src = join(ROOT, 'src');
  if (existsSync(src) && newestMtime(src) > statSync(MAIN).mtimeMs) {
    say('note: src/ has files newer than dist/src/main.js; this measures the last build');
  }
}

/** The inherited environment without any VX11 setting that could change what is measured. */
function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VX11_') || key === 'REDIS_URL') delete env[key];
  }
  return env;
}

/** Stops every server started here that is still running (e.g. one that never listened). */
async function stopLeftovers() {
  for (const server of [...children]) await stopServer(server);
}

/** Environment for a throw-away VX11 under `tmp`: its own dirs, queue prefix and random token. */
function benchEnv(tmp) {
  const token = randomBytes(24).toString('base64url'); // 32 characters
  const env = {
    ...cleanEnv(),
    VX11_HOST: HOST,
    VX11_PORT: '0',
    VX11_DATA_DIR: join(tmp, 'data'),
    VX11_LOGS_DIR: join(tmp, 'logs'),
    VX11_AUTH_MODE: 'token',
    VX11_TOKEN: token,
    VX11_LOG_LEVEL: 'warn',
    VX11_QUEUE_PREFIX: `bench_${process.pid}_${randomBytes(4).toString('hex')}`,
    REDIS_URL: `redis://${HOST}:6379`,
  };
  return { env, token };
}

/** Stops a server (once) and says how it went when it did not exit cleanly on SIGTERM. */
async function stopAndReport(server) {
  if (server.stopped) return;
  server.stopped = true;
  const exit = await stopServer(server);
  if (exit.already) {
    say(`${server.name} had already exited (code ${exit.code}, signal ${exit.signal})`);
  } else if (exit.forced) {
    say(`${server.name} ignored SIGTERM for ${STOP_TIMEOUT_MS} ms and was killed`);
  } else if (exit.code !== 0) {
    say(`${server.name} exited with code ${exit.code} (signal ${exit.signal}) after SIGTERM`);
  }
}

module.exports = {
  stopAndReport,
  benchEnv,
  ROOT,
  DIST,
  MAIN,
  HOST,
  STOP_TIMEOUT_MS,
  say,
  startServer,
  stopServer,
  stopLeftovers,
  ensureBuilt,
  cleanEnv,
};
