'use strict';

/**
 * Gateway benchmark: how many requests per second VX11's cheapest routes serve, against a bare
 * Fastify hello-world on the same machine as the baseline.
 *
 * Starts two child processes on 127.0.0.1 (ephemeral ports): VX11 from dist/ (built first if
 * dist/src/main.js is missing) with a throw-away data/logs dir, and a raw Fastify server (this
 * same file run with --baseline-server). Then, with autocannon (50 connections, 2 s warm-up,
 * 8 s measured) it loads: baseline GET /health, VX11 GET /health, VX11 GET /vx11/status (sent
 * with the X-VX11-Token header). Both servers get SIGTERM at the end, also on error.
 *
 * Human-readable lines go to stdout; the servers' own output goes to stderr, prefixed. The last
 * stdout line is one JSON object:
 *   {"bench":"gateway","health_rps":…,"status_rps":…,"baseline_rps":…,"ratio_health":…,"p99_ms":…}
 * Exits non-zero when a server cannot start or more than 1% of a run's requests failed
 * (non-2xx responses, socket errors or timeouts).
 */

const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdtempSync, readdirSync, rmSync, statSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const readline = require('node:readline');

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const HOST = '127.0.0.1'; // the only address this bench ever talks to
const CONNECTIONS = 50;
const WARMUP_S = 2;
const DURATION_S = 8;
const MAX_FAILURE_RATIO = 0.01;
const START_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 10_000; // for Redis to be reported up
const STOP_TIMEOUT_MS = 30_000; // VX11 allows itself 20 s (shutdownTimeoutMs) to drain
const TOKEN_HEADER = 'X-VX11-Token';

// ---------------------------------------------------------------------------------------------
// Baseline: a bare Fastify server, run in its own process.

function runBaselineServer() {
  const fastify = require('fastify')({ logger: false });
  fastify.get('/health', async () => ({
    status: 'ok',
    module: 'baseline',
    version: '0.0.0',
    uptime_s: Math.round(process.uptime()),
  }));
  fastify.listen({ host: HOST, port: 0 }).then(
    () => {
      const { port } = fastify.server.address();
      const msg = `baseline listening on http://${HOST}:${port}`;
      console.error(JSON.stringify({ level: 'info', msg, port }));
    },
    (err) => {
      console.error(`baseline failed to listen: ${err.message}`);
      process.exit(1);
    },
  );
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    fastify.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// ---------------------------------------------------------------------------------------------
// Child servers.

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

/** Spawns a server and resolves once it has printed its listening line (on stderr). */
function startServer(name, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    forwardLines(child.stdout, `[${name}]`);
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

// ---------------------------------------------------------------------------------------------
// Measuring.

let interrupted = false;
let currentRun = null;

function say(line) {
  process.stdout.write(`${line}\n`);
}

/** One GET outside the load, to check the route answers 2xx before measuring it. */
function probe(url, headers) {
  return new Promise((resolveProbe, rejectProbe) => {
    const req = http.get(url, { headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolveProbe({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: GET ${url}`)));
    req.on('error', rejectProbe);
  });
}

function cannon(opts) {
  const autocannon = require('autocannon');
  return new Promise((resolveRun, rejectRun) => {
    currentRun = autocannon(opts, (err, result) => {
      currentRun = null;
      if (err) rejectRun(err);
      else resolveRun(result);
    });
  });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function measure(label, url, headers = {}) {
  if (interrupted) throw new Error('interrupted');
  const { status, body } = await probe(url, headers);
  if (status < 200 || status > 299) {
    throw new Error(`${label}: probe got HTTP ${status} (${body.slice(0, 200)})`);
  }
  const opts = { url, headers, connections: CONNECTIONS, pipelining: 1 };
  await cannon({ ...opts, duration: WARMUP_S });
  if (interrupted) throw new Error('interrupted');
  const r = await cannon({ ...opts, duration: DURATION_S });
  if (interrupted) throw new Error('interrupted');

  const completed = r.requests.total; // responses of any status
  const failures = r.non2xx + r.errors; // autocannon counts timeouts among errors
  const attempts = completed + r.errors;
  const failureRatio = attempts > 0 ? failures / attempts : 1;
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${fmt(count)}`)
    .join(' ');
  say(
    `  ${label.padEnd(24)} ${fmt(r.requests.average).padStart(8)} req/s` +
      `  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms` +
      `  responses ${fmt(completed)} [${codes || 'none'}]` +
      `  non-2xx ${fmt(r.non2xx)}  errors ${fmt(r.errors)} (timeouts ${fmt(r.timeouts)})`,
  );
  const ok = completed > 0 && failureRatio <= MAX_FAILURE_RATIO;
  if (failures > 0) {
    const pct = (failureRatio * 100).toFixed(2);
    say(
      `  ${ok ? 'WARNING' : 'ERROR'}: ${label}: ${fmt(failures)} of ${fmt(attempts)} requests` +
        ` failed (${pct}%; limit ${MAX_FAILURE_RATIO * 100}%)`,
    );
  } else if (completed === 0) {
    say(`  ERROR: ${label}: no response at all`);
  }
  return { result: r, ok };
}

/**
 * VX11 listens before its Redis probe connection is ready, so /vx11/status reads "degraded"
 * for a moment after start. Wait (bounded) until it reports Redis up, so /vx11/status is
 * measured on its normal path (Redis ping + SQLite query), and say what it reports.
 */
async function waitForDependencies(url, headers) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const { status, body } = await probe(url, headers);
    let report;
    try {
      report = JSON.parse(body);
    } catch {
      report = undefined;
    }
    const redis = report && report.redis && report.redis.status;
    const db = report && report.db && report.db.status;
    if ((status === 200 && redis === 'up' && db === 'ok') || Date.now() > deadline || interrupted) {
      const overall = report ? report.status : `HTTP ${status}, not JSON`;
      say(`VX11 reports status "${overall}" (redis ${redis}, db ${db})`);
      if (redis !== 'up') say(`  WARNING: Redis is not up after ${READY_TIMEOUT_MS} ms`);
      return;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

// ---------------------------------------------------------------------------------------------

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

const round = (value, digits) => Number(value.toFixed(digits));

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`gateway bench: received ${signal}; stopping the servers`);
      if (currentRun) currentRun.stop();
    });
  }

  ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-bench-'));
  const token = randomBytes(24).toString('base64url'); // 32 characters
  const vx11Env = {
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

  const servers = [];
  let code = 1;
  try {
    say(
      `gateway bench: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per run` +
        ` (node ${process.version}, data in ${tmp})`,
    );
    const starting = [
      startServer('baseline', [module.filename, '--baseline-server'], cleanEnv()),
      startServer('vx11', [MAIN], vx11Env),
    ];
    // Keep hold of whichever started, so the finally block can stop it if the other failed.
    const settled = await Promise.allSettled(starting);
    for (const s of settled) if (s.status === 'fulfilled') servers.push(s.value);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [baseline, vx11] = servers;
    say(
      `baseline (raw Fastify) on http://${HOST}:${baseline.port}, VX11 on http://${HOST}:${vx11.port}`,
    );

    await waitForDependencies(`http://${HOST}:${vx11.port}/vx11/status`, { [TOKEN_HEADER]: token });

    const base = await measure('baseline GET /health', `http://${HOST}:${baseline.port}/health`);
    const health = await measure('VX11 GET /health', `http://${HOST}:${vx11.port}/health`);
    const stat = await measure('VX11 GET /vx11/status', `http://${HOST}:${vx11.port}/vx11/status`, {
      [TOKEN_HEADER]: token,
    });

    const ok = base.ok && health.ok && stat.ok;
    const summary = {
      bench: 'gateway',
      health_rps: round(health.result.requests.average, 1),
      status_rps: round(stat.result.requests.average, 1),
      baseline_rps: round(base.result.requests.average, 1),
      ratio_health: round(health.result.requests.average / base.result.requests.average, 3),
      p99_ms: health.result.latency.p99,
    };
    say(
      ok
        ? 'gateway bench: all runs within the error limit'
        : 'gateway bench: FAILED, too many failed requests (see above)',
    );
    code = ok ? 0 : 1;
    await stopAll(servers);
    say(JSON.stringify(summary));
    return code;
  } finally {
    await stopAll(servers);
    for (const server of [...children]) await stopServer(server); // started but never listened
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function stopAll(servers) {
  while (servers.length > 0) {
    const server = servers.shift();
    const exit = await stopServer(server);
    if (exit.already) {
      say(`${server.name} had already exited (code ${exit.code}, signal ${exit.signal})`);
    } else if (exit.forced) {
      say(`${server.name} ignored SIGTERM for ${STOP_TIMEOUT_MS} ms and was killed`);
    } else if (exit.code !== 0) {
      say(`${server.name} exited with code ${exit.code} (signal ${exit.signal}) after SIGTERM`);
    }
  }
}

// Last, so that every top-level binding above is initialized before main() touches it.
if (process.argv[2] === '--baseline-server') {
  runBaselineServer();
} else {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const detail = interrupted ? 'interrupted' : err && err.stack ? err.stack : err;
      console.error(`gateway bench failed: ${detail}`);
      process.exitCode = 1;
    },
  );
}
