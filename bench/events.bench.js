'use strict';

/**
 * Events benchmark: ingest throughput with live subscribers attached, and whether every
 * accepted event reaches every subscriber (CONTRACT §6; goal: ≥ 5,000 events/s, all delivered).
 *
 * Starts VX11 from dist/ (built first if dist/src/main.js is missing) on 127.0.0.1 with an
 * ephemeral port and a throw-away data/logs dir, then:
 *   1. connects 50 WebSocket clients to /ws (token header), each subscribed to the bench type;
 *   2. warms up for 2 s with autocannon posting a type nobody subscribed to;
 *   3. loads POST /events/ingest for 10 s at 50 connections with a small canonical event
 *      (switch.tension.updated), counting the events each subscriber receives;
 *   4. counts the bench events stored in the ledger once it stops growing (paging
 *      GET /operator/api/events), waits (bounded) until every subscriber has them all, and
 *      verifies the chain.
 * expected = stored events × subscribers; delivered = events received over all subscribers.
 * Every subscriber must also see ledger ids strictly increasing (no duplicate, no reordering).
 *
 * Human-readable lines go to stdout, the app's own output to stderr (prefixed). The last stdout
 * line is one JSON object:
 *   {"bench":"events","ingest_rps":…,"p99_ms":…,"delivered":…,"expected":…}
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

/** Set by SIGINT/SIGTERM: stop measuring and clean up. */
let interrupted = false;

const SUBSCRIBERS = 50;
const CONNECTIONS = 50;
const WARMUP_S = 2;
const DURATION_S = 10;
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
    if (subs.every((s) => s.received >= expectedEach || s.closed)) return;
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
    server = await startServer('vx11', [MAIN], env);
    const port = server.port;
    say(`VX11 on http://${HOST}:${port}`);

    for (let i = 0; i < SUBSCRIBERS; i += 1) subs.push(await subscribe(port, token));
    say(`  ${subs.length} subscribers connected to /ws?types=${BENCH_TYPE}`);

    await ingestLoad(port, token, WARMUP_TYPE, WARMUP_S);
    if (interrupted) throw new Error('interrupted');
    const r = await ingestLoad(port, token, BENCH_TYPE, DURATION_S);
    if (interrupted) throw new Error('interrupted');

    const accepted = r['2xx'];
    const failures = r.non2xx + r.errors;
    const attempts = r.requests.total + r.errors;
    const failureRatio = attempts > 0 ? failures / attempts : 1;
    const stored = await settledCount(port, token);
    await waitForDelivery(subs, stored);
    const expected = stored * SUBSCRIBERS;
    const delivered = subs.reduce((sum, s) => sum + s.received, 0);
    const disorder = subs.reduce((sum, s) => sum + s.disorder, 0);
    const dropped = subs.filter((s) => s.closed).length;
    const verify = await getJson(port, '/events/ledger/verify', token);

    say(
      `  ingest ${fmt(r.requests.average)} events/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms` +
        `  max ${r.latency.max} ms  accepted ${fmt(accepted)}  non-2xx ${fmt(r.non2xx)}` +
        `  errors ${fmt(r.errors)} (timeouts ${fmt(r.timeouts)})`,
    );
    say(
      `  stored ${fmt(stored)} bench events (${fmt(accepted)} answered 2xx; the difference is` +
        ` requests in flight when the load stopped)`,
    );
    say(
      `  delivered ${fmt(delivered)} of ${fmt(expected)} expected (${SUBSCRIBERS} × ${fmt(stored)})` +
        `  out-of-order ${disorder}  subscribers dropped ${dropped}`,
    );
    say(
      `  ledger verify: ok ${verify.ok}  length ${fmt(verify.length)}  first_bad_id ${verify.first_bad_id}`,
    );
    const rps = r.requests.average;
    say(
      `  goal: ≥ ${fmt(GOAL_RPS)} events/s with every event delivered — ` +
        (rps >= GOAL_RPS && delivered === expected ? 'met' : 'NOT met'),
    );
    const ok =
      failureRatio <= MAX_FAILURE_RATIO &&
      accepted > 0 &&
      delivered === expected &&
      disorder === 0 &&
      verify.ok === true;
    say(
      ok
        ? 'events bench: every stored event reached every subscriber'
        : 'events bench: FAILED (see above)',
    );

    const summary = {
      bench: 'events',
      ingest_rps: round(rps, 1),
      p99_ms: r.latency.p99,
      delivered,
      expected,
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
