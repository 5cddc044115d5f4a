'use strict';

/* global fetch, AbortSignal, TextDecoder */

/**
 * Streaming chat benchmark: what VX11 adds to the time to the first streamed chunk, and how
 * many streamed chats it completes per second, against streaming from the same fake provider
 * directly (`"stream": true`, answers at once: bench/support/fake-provider.js).
 *
 * Same setup as the chat bench (fake provider as the only switch-tier provider, a window on
 * switch, log level info with stdout in a file). The client is plain fetch() reading the SSE
 * body, for both paths:
 *
 *   - concurrency 1: warm-up + 100 × BENCH_SECONDS sequential streams, first
 *     `POST /v1/chat/completions {"model","messages","stream":true}` straight to the provider,
 *     then the same body to VX11's `POST /v1/chat/completions`. Time to first chunk = from
 *     the request to the first body bytes holding a `data:` line; the stream is then read to
 *     `data: [DONE]`. ttfb_added_ms_c1 = VX11 p50 − direct p50.
 *   - concurrency 32: 32 loops of the same for BENCH_SECONDS (after a warm-up), counting the
 *     streams read to their end: stream_rps (VX11) and direct_stream_rps.
 *
 * BENCH_ROUNDS rounds (default 3, each after the load average drops below 1, bounded), medians.
 * While VX11 has no streaming route (404/405, or it answers something other than
 * text/event-stream), it prints `{"bench":"stream","stream":"unavailable","reason":…}` and
 * exits 0. Goal (printed, not asserted): ttfb_added_ms_c1 ≤ 1 ms. Last stdout line:
 *   {"bench":"stream","ttfb_added_ms_c1":…,"stream_rps":…,"direct_stream_rps":…,…}
 * Exits non-zero when a server cannot start or more than 1% of the streams failed.
 */

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
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
const { percentile, round, fmt, ms } = require('./support/measure');
const { FAKE_PROVIDER, PROVIDER_MODEL, vx11BenchConfig } = require('./support/fake-provider');
const { waitForRedis, openSwitchWindow } = require('./support/switch-ready');
const { dropQueueKeys } = require('./support/redis-keys');
const {
  ROUNDS,
  SECONDS,
  WARMUP_SECONDS,
  inRounds,
  figureLine,
  vx11NodeArgs,
} = require('./support/rounds');

let interrupted = false;

const SEQ_REQUESTS = Math.round(100 * SECONDS);
const SEQ_WARMUP = Math.round(SEQ_REQUESTS / 10);
const CONNECTIONS = 32;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_FAILURE_RATIO = 0.01;
const TOKEN_HEADER = 'x-vx11-token';
const GOALS = { ttfb_added_ms_c1: ['<=', 1] };
const BODY = JSON.stringify({
  model: PROVIDER_MODEL,
  messages: [{ role: 'user', content: 'hello' }],
  stream: true,
});

class Unavailable extends Error {}

/**
 * One streamed chat: resolves to {ttfbMs, totalMs, chunks} once `data: [DONE]` (or the end of
 * the body) is read; rejects on a non-2xx answer or a body that is not an event stream.
 */
async function streamOnce(url, headers) {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: BODY,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const type = res.headers.get('content-type') || '';
  if (res.status < 200 || res.status > 299 || !type.includes('text/event-stream')) {
    const text = (await res.text()).slice(0, 300);
    const err = new Error(`HTTP ${res.status} (${type || 'no content-type'}) ${text}`);
    err.status = res.status;
    err.type = type;
    throw err;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let ttfbMs;
  let text = '';
  let chunks = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (ttfbMs === undefined && text.includes('data:')) ttfbMs = performance.now() - started;
    chunks += 1;
    if (text.includes('data: [DONE]')) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  if (ttfbMs === undefined) throw new Error('the stream ended without a data: line');
  return { ttfbMs, totalMs: performance.now() - started, chunks };
}

async function sequential(label, url, headers) {
  const ttfb = [];
  let failures = 0;
  const errors = [];
  for (let i = 0; i < SEQ_WARMUP + SEQ_REQUESTS; i += 1) {
    if (interrupted) throw new Error('interrupted');
    try {
      const r = await streamOnce(url, headers);
      if (i >= SEQ_WARMUP) ttfb.push(r.ttfbMs);
    } catch (err) {
      if (i >= SEQ_WARMUP) failures += 1;
      if (errors.length < 3) errors.push(err.message);
    }
  }
  ttfb.sort((a, b) => a - b);
  const p50 = percentile(ttfb, 50);
  const p99 = percentile(ttfb, 99);
  say(
    `  ${label.padEnd(40)} n ${fmt(ttfb.length)}  first chunk p50 ${ms(p50)}  p99 ${ms(p99)}` +
      `  failed ${fmt(failures)}`,
  );
  for (const e of errors) say(`    e.g. ${e}`);
  return { p50, p99, failures, attempts: SEQ_REQUESTS };
}

async function concurrent(label, url, headers, seconds) {
  let completed = 0;
  let failures = 0;
  const errors = [];
  const deadline = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline && !interrupted) {
      try {
        await streamOnce(url, headers);
        completed += 1;
      } catch (err) {
        failures += 1;
        if (errors.length < 3) errors.push(err.message);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const rps = completed / ((performance.now() - started) / 1000);
  say(
    `  ${label.padEnd(40)} ${fmt(rps).padStart(7)} streams/s  completed ${fmt(completed)}` +
      `  failed ${fmt(failures)}`,
  );
  for (const e of errors) say(`    e.g. ${e}`);
  return { rps, failures, attempts: completed + failures };
}

/** Whether VX11 streams at all: one streamed chat, classified. */
async function probeStreaming(url, headers) {
  try {
    const r = await streamOnce(url, headers);
    say(`VX11 streams: first chunk after ${ms(r.ttfbMs)}, ${r.chunks} reads`);
  } catch (err) {
    if (err.status === 404 || err.status === 405) {
      throw new Unavailable(`POST /v1/chat/completions answers HTTP ${err.status}`);
    }
    if (err.status >= 200 && err.status <= 299) {
      throw new Unavailable(`POST /v1/chat/completions with stream:true answers ${err.type}`);
    }
    if (err.status === 400 || err.status === 422) {
      throw new Unavailable(`POST /v1/chat/completions refuses stream:true (${err.message})`);
    }
    throw err;
  }
}

function withinLimit(label, bad, total) {
  const ratio = total > 0 ? bad / total : 1;
  const ok = total > 0 && ratio <= MAX_FAILURE_RATIO;
  if (bad > 0 || total === 0) {
    say(`  ${ok ? 'WARNING' : 'ERROR'}: ${label}: ${fmt(bad)} of ${fmt(total)} streams failed`);
  }
  return ok;
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      interrupted = true;
    });
  }
  ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-bench-'));
  const { env, token } = benchEnv(tmp);
  env.VX11_LOG_LEVEL = 'info';
  const servers = [];
  try {
    say(
      `stream bench: ${ROUNDS} rounds of ${fmt(SEQ_REQUESTS)} sequential streams, then` +
        ` ${CONNECTIONS} concurrent for ${SECONDS} s (node ${process.version}, data in ${tmp})`,
    );
    const provider = await startServer('provider', [FAKE_PROVIDER], cleanEnv());
    servers.push(provider);
    env.VX11_CONFIG_FILE = join(tmp, 'providers.json');
    writeFileSync(env.VX11_CONFIG_FILE, JSON.stringify(vx11BenchConfig(provider.port)));
    const vx11 = await startServer('vx11', [...vx11NodeArgs('stream'), MAIN], env, {
      stdoutFile: join(tmp, 'vx11-stdout.log'),
    });
    servers.push(vx11);
    await waitForRedis(vx11.port, token);
    await openSwitchWindow(vx11.port, token, 'stream bench');
    const direct = `http://${HOST}:${provider.port}/v1/chat/completions`;
    const through = `http://${HOST}:${vx11.port}/v1/chat/completions`;
    const auth = { [TOKEN_HEADER]: token };
    try {
      await probeStreaming(through, auth);
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err;
      say(`stream bench: VX11 does not stream yet: ${err.message}`);
      say(JSON.stringify({ bench: 'stream', stream: 'unavailable', reason: err.message }));
      return 0;
    }

    const checks = [];
    const { figures, busy } = await inRounds(
      'stream',
      async () => {
        const d1 = await sequential('direct stream (c1)', direct, {});
        const v1 = await sequential('VX11 /v1/chat/completions stream (c1)', through, auth);
        await concurrent('warm-up', through, auth, WARMUP_SECONDS);
        const d32 = await concurrent(`direct stream (c${CONNECTIONS})`, direct, {}, SECONDS);
        const v32 = await concurrent(`VX11 stream (c${CONNECTIONS})`, through, auth, SECONDS);
        checks.push(
          withinLimit('direct c1', d1.failures, d1.attempts),
          withinLimit('VX11 c1', v1.failures, v1.attempts),
          withinLimit(`direct c${CONNECTIONS}`, d32.failures, d32.attempts),
          withinLimit(`VX11 c${CONNECTIONS}`, v32.failures, v32.attempts),
        );
        return {
          ttfb_added_ms_c1: v1.p50 - d1.p50,
          ttfb_p99_added_ms_c1: v1.p99 - d1.p99,
          ttfb_p50_ms_c1: v1.p50,
          direct_ttfb_p50_ms_c1: d1.p50,
          stream_rps: v32.rps,
          direct_stream_rps: d32.rps,
        };
      },
      () => interrupted,
    );
    const m = (key) => figures[key].median;
    for (const key of Object.keys(figures)) {
      figureLine(
        'stream',
        key,
        m(key),
        GOALS[key],
        figures[key].rounds,
        key.endsWith('rps') ? 0 : 2,
      );
    }
    const summary = { bench: 'stream', stream: 'available' };
    for (const key of Object.keys(figures)) summary[key] = round(m(key), 2);
    Object.assign(summary, { rounds: ROUNDS, busy });
    const ok = checks.every(Boolean);
    say(ok ? 'stream bench: all runs within the error limit' : 'stream bench: FAILED (see above)');
    say(JSON.stringify(summary));
    return ok ? 0 : 1;
  } finally {
    while (servers.length > 0) await stopAndReport(servers.pop());
    await stopLeftovers();
    await dropQueueKeys(env.VX11_QUEUE_PREFIX);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const detail = interrupted ? 'interrupted' : err && err.stack ? err.stack : err;
    console.error(`stream bench failed: ${detail}`);
    process.exitCode = 1;
  },
);
