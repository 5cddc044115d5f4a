'use strict';

/**
 * Gateway benchmark: how many requests per second VX11's cheapest routes serve, against a bare
 * Fastify hello-world on the same machine as the baseline, in the same run.
 *
 * Starts two child processes on 127.0.0.1 (ephemeral ports): VX11 from dist/ (built first if
 * dist/src/main.js is missing) with a throw-away data/logs dir, and a raw Fastify server (this
 * same file run with --baseline-server). Then, BENCH_ROUNDS times (default 3, each after the
 * load average drops below 1, bounded), with autocannon (50 connections, BENCH_SECONDS/3 s
 * warm-up + BENCH_SECONDS s measured) it loads: baseline GET /health, VX11 GET /health (public,
 * request line at debug, so not written), VX11 GET /vx11/circuit-breaker/status (authenticated
 * with X-VX11-Token, a request line at info per request: the cheapest guarded, logged route),
 * and VX11 GET /vx11/status (public, logged, and it pings Redis and queries SQLite). VX11 runs
 * at log level info with its stdout in a file. Figures are the medians of the rounds:
 *   ratio_health = VX11 /health req/s ÷ raw Fastify req/s                       (goal ≥ 0.5)
 *   ratio_auth   = VX11 /vx11/circuit-breaker/status req/s ÷ raw Fastify req/s  (goal ≥ 0.33)
 *   ratio_status = VX11 /vx11/status req/s ÷ raw Fastify req/s                  (no goal)
 * Both servers get SIGTERM at the end, also on error.
 *
 * Human-readable lines go to stdout; the servers' own output goes to stderr, prefixed. Then one
 * JSON line per figure with its goal, and last one JSON object:
 *   {"bench":"gateway","health_rps":…,"auth_rps":…,"status_rps":…,"baseline_rps":…,
 *    "ratio_health":…,"ratio_auth":…,"ratio_status":…,"p99_ms":…,…,"rounds":3,"busy":false}
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
const {
  ROUNDS,
  SECONDS,
  WARMUP_SECONDS,
  inRounds,
  figureLine,
  procUsage,
  vx11NodeArgs,
} = require('./support/rounds');

/** Set by SIGINT/SIGTERM: stop measuring and clean up. */
let interrupted = false;

const CONNECTIONS = 50;
const WARMUP_S = WARMUP_SECONDS;
const DURATION_S = SECONDS;
const GOAL_RATIO_HEALTH = 0.5;
const GOAL_RATIO_AUTH = 0.33;
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

/**
 * Loads `url` (warm-up, then the measured run). `pid` is the server's: its CPU time over the
 * measured run divided by the responses is `cpu_us` per request, a figure that holds up far
 * better than req/s on a machine other work is loading.
 */
async function measure(label, pid, url, headers = {}) {
  if (interrupted) throw new Error('interrupted');
  const { status, body } = await probe(url, headers);
  if (status < 200 || status > 299) {
    throw new Error(`${label}: probe got HTTP ${status} (${body.slice(0, 200)})`);
  }
  const opts = { url, headers, connections: CONNECTIONS, pipelining: 1 };
  await cannon({ ...opts, duration: WARMUP_S });
  if (interrupted) throw new Error('interrupted');
  const cpuBefore = procUsage(pid);
  const r = await cannon({ ...opts, duration: DURATION_S });
  const cpuAfter = procUsage(pid);
  if (interrupted) throw new Error('interrupted');

  const completed = r.requests.total; // responses of any status
  const failures = r.non2xx + r.errors; // autocannon counts timeouts among errors
  const attempts = completed + r.errors;
  const failureRatio = attempts > 0 ? failures / attempts : 1;
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${fmt(count)}`)
    .join(' ');
  say(
    `  ${label.padEnd(38)} ${fmt(r.requests.average).padStart(8)} req/s` +
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
  const cpuUs =
    cpuBefore && cpuAfter && completed > 0
      ? ((cpuAfter.cpuS - cpuBefore.cpuS) * 1e6) / completed
      : null;
  if (cpuUs !== null) say(`  ${' '.repeat(38)} CPU ${cpuUs.toFixed(1)} µs per request (server)`);
  return { result: r, ok, cpuUs };
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
  // As deployed: request lines at info (one JSON line per request, into a file).
  vx11Env.VX11_LOG_LEVEL = 'info';

  const servers = [];
  let code = 1;
  try {
    say(
      `gateway bench: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per run` +
        ` (node ${process.version}, data in ${tmp})`,
    );
    const starting = [
      startServer('baseline', [module.filename, '--baseline-server'], cleanEnv()),
      startServer('vx11', [...vx11NodeArgs('gateway'), MAIN], vx11Env, {
        stdoutFile: join(tmp, 'vx11-stdout.log'),
      }),
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

    let ok = true;
    const { figures, busy } = await inRounds(
      'gateway',
      async () => {
        const base = await measure(
          'baseline GET /health',
          baseline.child.pid,
          `http://${HOST}:${baseline.port}/health`,
        );
        const health = await measure(
          'VX11 GET /health',
          vx11.child.pid,
          `http://${HOST}:${vx11.port}/health`,
        );
        const auth = await measure(
          'VX11 GET /vx11/circuit-breaker/status',
          vx11.child.pid,
          `http://${HOST}:${vx11.port}/vx11/circuit-breaker/status`,
          { [TOKEN_HEADER]: token },
        );
        const stat = await measure(
          'VX11 GET /vx11/status',
          vx11.child.pid,
          `http://${HOST}:${vx11.port}/vx11/status`,
          { [TOKEN_HEADER]: token },
        );
        ok = ok && base.ok && health.ok && auth.ok && stat.ok;
        const baseRps = base.result.requests.average;
        return {
          baseline_rps: baseRps,
          health_rps: health.result.requests.average,
          auth_rps: auth.result.requests.average,
          status_rps: stat.result.requests.average,
          ratio_auth: auth.result.requests.average / baseRps,
          ratio_health: health.result.requests.average / baseRps,
          ratio_status: stat.result.requests.average / baseRps,
          p99_ms: health.result.latency.p99,
          auth_p99_ms: auth.result.latency.p99,
          status_p99_ms: stat.result.latency.p99,
          baseline_p99_ms: base.result.latency.p99,
          baseline_cpu_us: base.cpuUs,
          health_cpu_us: health.cpuUs,
          auth_cpu_us: auth.cpuUs,
          status_cpu_us: stat.cpuUs,
        };
      },
      () => interrupted,
    );
    const m = (key) => figures[key].median;
    figureLine(
      'gateway',
      'ratio_health',
      m('ratio_health'),
      ['>=', GOAL_RATIO_HEALTH],
      figures.ratio_health.rounds,
      3,
    );
    figureLine(
      'gateway',
      'ratio_auth',
      m('ratio_auth'),
      ['>=', GOAL_RATIO_AUTH],
      figures.ratio_auth.rounds,
      3,
    );
    figureLine(
      'gateway',
      'ratio_status',
      m('ratio_status'),
      undefined,
      figures.ratio_status.rounds,
      3,
    );
    for (const key of ['baseline_cpu_us', 'health_cpu_us', 'auth_cpu_us', 'status_cpu_us']) {
      figureLine('gateway', key, m(key), undefined, figures[key].rounds, 1);
    }
    for (const key of ['baseline_rps', 'health_rps', 'auth_rps', 'status_rps']) {
      figureLine('gateway', key, m(key), undefined, figures[key].rounds, 0);
    }
    const summary = {
      bench: 'gateway',
      health_rps: round(m('health_rps'), 1),
      auth_rps: round(m('auth_rps'), 1),
      status_rps: round(m('status_rps'), 1),
      baseline_rps: round(m('baseline_rps'), 1),
      ratio_health: round(m('ratio_health'), 3),
      ratio_auth: round(m('ratio_auth'), 3),
      ratio_status: round(m('ratio_status'), 3),
      p99_ms: m('p99_ms'),
      auth_p99_ms: m('auth_p99_ms'),
      status_p99_ms: m('status_p99_ms'),
      baseline_p99_ms: m('baseline_p99_ms'),
      baseline_cpu_us: round(m('baseline_cpu_us'), 1),
      health_cpu_us: round(m('health_cpu_us'), 1),
      auth_cpu_us: round(m('auth_cpu_us'), 1),
      status_cpu_us: round(m('status_cpu_us'), 1),
      rounds: ROUNDS,
      busy,
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
