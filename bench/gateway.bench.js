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

const { mkdtempSync, rmSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const {
  MAIN,
  HOST,
  say,
  startServer,
  stopLeftovers,
  ensureBuilt,
  cleanEnv,
  benchEnv,
  stopAndReport,
} = require('./support/child-server');
const { cannon, stopCurrentRun, round, fmt } = require('./support/measure');

/** Set by SIGINT/SIGTERM: stop measuring and clean up. */
let interrupted = false;

const CONNECTIONS = 50;
const WARMUP_S = 2;
const DURATION_S = 8;
const MAX_FAILURE_RATIO = 0.01;
const READY_TIMEOUT_MS = 10_000; // for Redis to be reported up
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

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`gateway bench: received ${signal}; stopping the servers`);
      stopCurrentRun();
    });
  }

  ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-bench-'));
  const { env: vx11Env, token } = benchEnv(tmp);

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
    await stopLeftovers(); // started but never listened
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function stopAll(servers) {
  while (servers.length > 0) {
    const server = servers.shift();
    await stopAndReport(server);
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
