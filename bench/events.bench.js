'use strict';

/**
 * Events benchmark: ingest throughput with live subscribers attached, and whether every
 * accepted event reaches every subscriber (CONTRACT §6; goal: ≥ 5,000 events/s, all delivered).
 *
 * Starts VX11 from dist/ (built first if dist/src/main.js is missing; BENCH_DIST_DIR names
 * another build) on 127.0.0.1 with an ephemeral port, a throw-away data/logs dir and log level
 * info (stdout in a file, as deployed), connects 50 WebSocket clients to /ws (token header),
 * each subscribed to the bench type, then BENCH_ROUNDS times (default 3, each once the load
 * average is below 1, bounded):
 *   1. warms up with autocannon posting a type nobody subscribed to (BENCH_SECONDS/3 s);
 *   2. loads POST /events/ingest for BENCH_SECONDS s at 50 connections with a small canonical
 *      event (switch.tension.updated), counting the events each subscriber receives and the
 *      server's CPU time (/proc/<pid>/stat);
 *   3. counts the bench events stored in the ledger once it stops growing (paging
 *      GET /operator/api/events), waits (bounded) until every subscriber has them all.
 * expected = events stored in the round × subscribers; delivered = events received over all
 * subscribers in the round. Every subscriber must also see ledger ids strictly increasing (no
 * duplicate, no reordering). At the end the chain is verified (GET /events/ledger/verify).
 * cpu_us_per_event = server CPU time over the measured run ÷ events answered 2xx.
 *
 * Human-readable lines go to stdout, the app's own output to stderr (prefixed). Then one JSON
 * line per figure with its goal, and last one JSON object (medians of the rounds; delivered and
 * expected summed over them):
 *   {"bench":"events","ingest_rps":…,"p99_ms":…,"delivered":…,"expected":…,"ledger_ok":…,…}
 * Exits non-zero when the app cannot start, more than 1% of the requests failed, an event was
 * not delivered to every subscriber, or the ledger does not verify. The goal is printed only.
 */

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const WebSocket = require('ws');
const {
  MAIN,
  HOST,
  say,
  startServer,
  stopLeftovers,
  ensureBuilt,
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

const SUBSCRIBERS = 50;
const CONNECTIONS = 50;
const WARMUP_S = WARMUP_SECONDS;
const DURATION_S = SECONDS;
const MAX_FAILURE_RATIO = 0.01;
const DELIVERY_TIMEOUT_MS = 15_000; // after the load, for the last frames to arrive
const GOAL_RPS = 5000;
const TOKEN_HEADER = 'X-VX11-Token';
const BENCH_TYPE = 'switch.tension.updated';
const WARMUP_TYPE = 'bench.warmup';
const EVENT_ID = /\{"id":(\d+),"event_id"/g;
const BODY = { type: BENCH_TYPE, source: 'bench', payload: { value: 3, components: { cpu: 1 } } };

function getJson(port, path, token) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: HOST, port, path, headers: { [TOKEN_HEADER]: token }, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`GET ${path}: HTTP ${res.statusCode} ${body}`));
          else resolve(JSON.parse(body));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: GET ${path}`)));
    req.on('error', reject);
  });
}

/** One /ws client subscribed to the bench type; counts what it receives. */
function subscribe(port, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${HOST}:${port}/ws?types=${BENCH_TYPE}`, {
      headers: { [TOKEN_HEADER]: token },
    });
    const sub = { ws, received: 0, lastId: 0, disorder: 0, closed: false };
    ws.on('message', (data) => {
      // The subscribers share this process with autocannon: read only the ids (each event
      // view starts with {"id":N,"event_id"), instead of parsing 50 copies of every frame.
      const text = String(data);
      if (!text.startsWith('{"channel":"events"')) return;
      for (const match of text.matchAll(EVENT_ID)) {
        const id = Number(match[1]);
        if (id <= sub.lastId) sub.disorder += 1;
        sub.lastId = id;
        sub.received += 1;
      }
    });
    ws.on('close', () => (sub.closed = true));
    ws.once('open', () => resolve(sub));
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`/ws refused: HTTP ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
}

function ingestLoad(port, token, type, duration) {
  return cannon({
    url: `http://${HOST}:${port}/events/ingest`,
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
    body: JSON.stringify({ ...BODY, type }),
    connections: CONNECTIONS,
    pipelining: 1,
    duration,
  });
}

/** How many bench events the ledger holds (pages through the listing, 500 at a time). */
async function storedCount(port, token) {
  let count = 0;
  let before = '';
  for (;;) {
    const page = await getJson(
      port,
      `/operator/api/events?type=${BENCH_TYPE}&limit=500${before}`,
      token,
    );
    count += page.events.length;
    if (page.next_before === null) return count;
    before = `&before=${page.next_before}`;
  }
}

/**
 * Requests autocannon gave up on at the end may still be committing: count until the ledger
 * stops growing, so `expected` covers every event a subscriber can receive.
 */
async function settledCount(port, token) {
  let last = -1;
  for (;;) {
    const count = await storedCount(port, token);
    if (count === last) return count;
    last = count;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function waitForDelivery(subs, expectedEach) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (Date.now() < deadline && !interrupted) {
    if (subs.every((s, i) => s.received >= expectedEach[i] || s.closed)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`events bench: received ${signal}; stopping the server`);
      stopCurrentRun();
    });
  }

  ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-bench-'));
  const { env, token } = benchEnv(tmp);
  // one loopback client posts everything: the per-address ingest limit is not what is measured
  env.VX11_CONFIG_FILE = join(tmp, 'bench-config.json');
  writeFileSync(
    env.VX11_CONFIG_FILE,
    JSON.stringify({ events: { ingestRatePerSec: 1_000_000, ingestBurst: 1_000_000 } }),
  );
  let server;
  const subs = [];
  try {
    say(
      `events bench: ${SUBSCRIBERS} WebSocket subscribers, POST /events/ingest at ${CONNECTIONS}` +
        ` connections, ${WARMUP_S} s warm-up + ${DURATION_S} s (node ${process.version}, data in ${tmp})`,
    );
    server = await startServer('vx11', [...vx11NodeArgs('events'), MAIN], env, {
      stdoutFile: join(tmp, 'vx11-stdout.log'),
    });
    const port = server.port;
    const pid = server.child.pid;
    say(`VX11 on http://${HOST}:${port}`);

    for (let i = 0; i < SUBSCRIBERS; i += 1) subs.push(await subscribe(port, token));
    say(`  ${subs.length} subscribers connected to /ws?types=${BENCH_TYPE}`);

    let ok = true;
    let storedSoFar = 0;
    let deliveredTotal = 0;
    let expectedTotal = 0;
    const { figures, busy } = await inRounds(
      'events',
      async () => {
        await ingestLoad(port, token, WARMUP_TYPE, WARMUP_S);
        if (interrupted) throw new Error('interrupted');
        const receivedBefore = subs.map((s) => s.received);
        const cpuBefore = procUsage(pid);
        const r = await ingestLoad(port, token, BENCH_TYPE, DURATION_S);
        const cpuAfter = procUsage(pid);
        if (interrupted) throw new Error('interrupted');

        const accepted = r['2xx'];
        const failures = r.non2xx + r.errors;
        const attempts = r.requests.total + r.errors;
        const failureRatio = attempts > 0 ? failures / attempts : 1;
        const storedNow = await settledCount(port, token);
        const stored = storedNow - storedSoFar;
        storedSoFar = storedNow;
        const expectedEach = subs.map((_s, i) => receivedBefore[i] + stored);
        await waitForDelivery(subs, expectedEach);
        const expected = stored * SUBSCRIBERS;
        const delivered = subs.reduce((sum, s, i) => sum + s.received - receivedBefore[i], 0);
        const disorder = subs.reduce((sum, s) => sum + s.disorder, 0);
        const dropped = subs.filter((s) => s.closed).length;
        const cpuUs =
          cpuBefore && cpuAfter && accepted > 0
            ? ((cpuAfter.cpuS - cpuBefore.cpuS) * 1e6) / accepted
            : null;
        deliveredTotal += delivered;
        expectedTotal += expected;

        say(
          `  ingest ${fmt(r.requests.average)} events/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms` +
            `  max ${r.latency.max} ms  accepted ${fmt(accepted)}  non-2xx ${fmt(r.non2xx)}` +
            `  errors ${fmt(r.errors)} (timeouts ${fmt(r.timeouts)})  server CPU` +
            ` ${cpuUs === null ? 'n/a' : cpuUs.toFixed(1)} µs per event`,
        );
        say(
          `  stored ${fmt(stored)} bench events (${fmt(accepted)} answered 2xx; the difference is` +
            ` requests in flight when the load stopped)`,
        );
        say(
          `  delivered ${fmt(delivered)} of ${fmt(expected)} expected (${SUBSCRIBERS} × ${fmt(stored)})` +
            `  out-of-order ${disorder}  subscribers dropped ${dropped}`,
        );
        ok =
          ok &&
          failureRatio <= MAX_FAILURE_RATIO &&
          accepted > 0 &&
          delivered === expected &&
          disorder === 0 &&
          dropped === 0;
        return {
          ingest_rps: r.requests.average,
          p50_ms: r.latency.p50,
          p99_ms: r.latency.p99,
          cpu_us_per_event: cpuUs,
          delivered_ratio: expected > 0 ? delivered / expected : 0,
        };
      },
      () => interrupted,
    );
    const verify = await getJson(port, '/events/ledger/verify', token);
    say(
      `  ledger verify: ok ${verify.ok}  length ${fmt(verify.length)}  first_bad_id ${verify.first_bad_id}`,
    );
    ok = ok && verify.ok === true;
    const m = (key) => figures[key].median;
    figureLine(
      'events',
      'ingest_rps',
      m('ingest_rps'),
      ['>=', GOAL_RPS],
      figures.ingest_rps.rounds,
      0,
    );
    figureLine(
      'events',
      'delivered_ratio',
      deliveredTotal / Math.max(1, expectedTotal),
      ['>=', 1],
      figures.delivered_ratio.rounds,
      4,
    );
    figureLine(
      'events',
      'cpu_us_per_event',
      m('cpu_us_per_event'),
      undefined,
      figures.cpu_us_per_event.rounds,
      1,
    );
    figureLine('events', 'p99_ms', m('p99_ms'), undefined, figures.p99_ms.rounds, 0);
    say(
      ok
        ? 'events bench: every stored event reached every subscriber, the ledger verifies'
        : 'events bench: FAILED (see above)',
    );

    const summary = {
      bench: 'events',
      ingest_rps: round(m('ingest_rps'), 1),
      p50_ms: m('p50_ms'),
      p99_ms: m('p99_ms'),
      cpu_us_per_event: round(m('cpu_us_per_event'), 1),
      delivered: deliveredTotal,
      expected: expectedTotal,
      ledger_ok: verify.ok === true,
      subscribers: SUBSCRIBERS,
      rounds: ROUNDS,
      busy,
    };
    for (const s of subs) s.ws.terminate();
    await stopAndReport(server);
    say(JSON.stringify(summary));
    return ok ? 0 : 1;
  } finally {
    for (const s of subs) s.ws.terminate();
    if (server) await stopAndReport(server);
    await stopLeftovers(); // started but never listened
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const detail = interrupted ? 'interrupted' : err && err.stack ? err.stack : err;
    console.error(`events bench failed: ${detail}`);
    process.exitCode = 1;
  },
);
