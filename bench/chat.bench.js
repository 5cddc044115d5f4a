'use strict';

/**
 * Chat benchmark: what a chat round trip through VX11 costs (switch active, an OpenAI-compatible
 * provider that answers at once) over calling that same provider directly, sequentially and at
 * 32 concurrent (CONTRACT §4), with the server's CPU time per chat and its memory.
 *
 * Starts two child processes on 127.0.0.1 (ephemeral ports): the fake provider
 * (bench/support/fake-provider.js: answers `POST /v1/chat/completions` at once with a fixed
 * small completion and usage), and VX11 from dist/ (built first if dist/src/main.js is missing;
 * BENCH_DIST_DIR names another build) with a throw-away data/logs dir, log level info (stdout
 * in a file, as deployed) and a VX11_CONFIG_FILE naming the fake provider as its only
 * switch-tier provider and a chat rate limit too high to interfere. It opens a window on switch
 * (`POST /madre/power/window/open`, ttl_sec 3600) and checks that one `POST /operator/api/chat`
 * answers with `fallback_source: "switch"`. `rss_boot_mb` is read 2 s later and `rss_idle_mb`
 * after 42 s of quiet (a VX11 quiet for 30 s gives back what boot left in its heap).
 * Then BENCH_ROUNDS rounds (default 3, each once the load average is below 1, bounded):
 *
 *   - concurrency 1: warm-up + 200 × BENCH_SECONDS sequential requests over one keep-alive
 *     connection, first straight to the provider (the body VX11 sends), then through VX11
 *     (`POST /operator/api/chat` `{"message":"hello"}`, no session_id, so each chat is its own
 *     session). Timed one by one; added latency = VX11 percentile − direct percentile.
 *   - concurrency 32: autocannon, 32 connections, warm-up + BENCH_SECONDS s, against the
 *     provider directly and against VX11 chat; chats/s = VX11's average req/s. Over VX11's
 *     measured run, the server's user+system CPU time (/proc/<pid>/stat) ÷ chats answered is
 *     `cpu_ms_per_chat`; its RSS right after the run is `rss_after_mb` (the largest of the rounds).
 *
 * Every chat is persisted (user message, answer, usage) and its chat.completed event written
 * to the ledger as in production: nothing is switched off for the bench. Which tier answered
 * is checked from each sequential answer's `fallback_source` and, for the concurrent runs, from
 * the `vx11_chat_total{fallback_source=…}` counters of GET /metrics. The Redis keys under this
 * run's queue prefix are deleted at the end (best effort).
 *
 * Human-readable lines on stdout, the servers' own output on stderr, prefixed; then one JSON
 * line per figure with its goal, and last one JSON object (medians of the rounds):
 *   {"bench":"chat","p50_added_ms_c1":…,"p99_added_ms_c1":…,"p50_added_ms":…,"p99_added_ms":…,
 *    "rps":…,"direct_rps":…,"cpu_ms_per_chat":…,"rss_idle_mb":…,"rss_after_mb":…,…}
 * Goals (printed, not asserted): added p50 ≤ 1.0 ms and p99 ≤ 4 ms sequentially; ≥ 1,500
 * chats/s at 32 concurrent; CPU ≤ 0.7 ms per chat; RSS ≤ 100 MB idle, ≤ 250 MB after c=32.
 * Exits non-zero when a server cannot start, switch does not answer the first chat, or in any
 * run more than 1% of the requests failed or more than 1% of the chats were not answered by
 * switch.
 */

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
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
const { cannon, stopCurrentRun, percentile, round, fmt, ms, sleep } = require('./support/measure');
const {
  FAKE_PROVIDER,
  PROVIDER_NAME,
  PROVIDER_MODEL,
  vx11BenchConfig,
} = require('./support/fake-provider');
const { dropQueueKeys, redisCpuSeconds } = require('./support/redis-keys');
const {
  ROUNDS,
  SECONDS,
  WARMUP_SECONDS,
  inRounds,
  figureLine,
  procUsage,
  mb,
  vx11NodeArgs,
} = require('./support/rounds');

/** Set by SIGINT/SIGTERM: stop measuring and clean up. */
let interrupted = false;

const MESSAGE = 'hello';
const SEQ_REQUESTS = Math.round(200 * SECONDS);
const SEQ_WARMUP = Math.round(SEQ_REQUESTS / 10);
const CONNECTIONS = 32;
const WARMUP_S = WARMUP_SECONDS;
const DURATION_S = SECONDS;
const MAX_FAILURE_RATIO = 0.01; // failed requests, and chats not answered by switch
const REQUEST_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 10_000; // for Redis to be reported up
/**
 * Quiet time after the 2-s boot reading before `rss_idle_mb`: the idle heap trim needs six
 * quiet checks in a row (30 s, every 5 s), the first of which may still have seen the chat.
 */
const IDLE_AFTER_BOOT_MS = 40_000;
const TOKEN_HEADER = 'X-VX11-Token';
const GOALS = {
  p50_added_ms_c1: ['<=', 1.0],
  p99_added_ms_c1: ['<=', 4],
  rps: ['>=', 1500],
  cpu_ms_per_chat: ['<=', 0.7],
  rss_idle_mb: ['<=', 100],
  rss_after_mb: ['<=', 250],
};

/** The body VX11 sends its provider for `{"message":"hello"}` (hermes/openai-client.ts). */
const DIRECT_BODY = JSON.stringify({
  model: PROVIDER_MODEL,
  messages: [{ role: 'user', content: MESSAGE }],
});
const CHAT_BODY = JSON.stringify({ message: MESSAGE });

// ---------------------------------------------------------------------------------------------
// Requests.

/** One keep-alive connection at a time: the calls are sequential, so no connect cost is timed. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One request to `port`; resolves to `{status, json, text, ms}` where `ms` is the round trip
 * (monotonic clock, first byte sent to last byte received).
 */
function call(port, method, path, { body, headers = {} } = {}) {
  const allHeaders = { accept: 'application/json', ...headers };
  if (body !== undefined) {
    allHeaders['content-type'] = 'application/json';
    allHeaders['content-length'] = Buffer.byteLength(body);
  }
  return new Promise((resolveCall, rejectCall) => {
    const started = performance.now();
    const req = http.request(
      { host: HOST, port, method, path, headers: allHeaders, agent, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolveCall({ status: res.statusCode, json, text, ms });
        });
        res.on('error', rejectCall);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${method} ${path}`)));
    req.on('error', rejectCall);
    req.end(body);
  });
}

const brief = (res) => `HTTP ${res.status} ${res.text.slice(0, 300)}`;

/** VX11 listens before its Redis connection is ready; chat needs Redis for the switch queue. */
async function waitForDependencies(port, token) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const res = await call(port, 'GET', '/vx11/status', { headers: { [TOKEN_HEADER]: token } });
    const report = res.json;
    const redis = report && report.redis && report.redis.status;
    const db = report && report.db && report.db.status;
    if ((res.status === 200 && redis === 'up' && db === 'ok') || Date.now() > deadline) {
      const overall = report ? report.status : `HTTP ${res.status}, not JSON`;
      say(`VX11 reports status "${overall}" (redis ${redis}, db ${db})`);
      if (redis !== 'up') throw new Error(`Redis is not up after ${READY_TIMEOUT_MS} ms`);
      return;
    }
    if (interrupted) throw new Error('interrupted');
    await sleep(100);
  }
}

/** Opens a window on switch and checks that one chat is answered by the fake provider. */
async function activateSwitch(port, token) {
  const headers = { [TOKEN_HEADER]: token };
  const opened = await call(port, 'POST', '/madre/power/window/open', {
    headers,
    body: JSON.stringify({ service: 'switch', ttl_sec: 3600, reason: 'chat bench' }),
  });
  const started = opened.json && opened.json.services_started;
  if (opened.status !== 200 || !Array.isArray(started) || !started.includes('switch')) {
    throw new Error(`could not open a window on switch: ${brief(opened)}`);
  }
  const status = await call(port, 'GET', '/vx11/window/status/switch', { headers });
  if (status.status !== 200 || !status.json || status.json.state !== 'active') {
    throw new Error(`switch is not active after opening its window: ${brief(status)}`);
  }
  const first = await call(port, 'POST', '/operator/api/chat', { headers, body: CHAT_BODY });
  const answer = first.json || {};
  if (first.status !== 200 || answer.fallback_source !== 'switch') {
    throw new Error(`the first chat was not answered by switch: ${brief(first)}`);
  }
  if (answer.provider !== PROVIDER_NAME) {
    throw new Error(`the first chat was answered by provider ${answer.provider}: ${brief(first)}`);
  }
  say(
    `switch active (window ${opened.json.window_id}); first chat answered by` +
      ` ${answer.provider}/${answer.model} in ${first.ms.toFixed(2)} ms`,
  );
}

/** Calls the fake provider counted so far (GET /calls on its own port). */
async function providerCalls(port) {
  const res = await call(port, 'GET', '/calls');
  if (res.status !== 200 || !res.json || !Number.isInteger(res.json.calls)) {
    throw new Error(`fake provider GET /calls: ${brief(res)}`);
  }
  return res.json.calls;
}

/** `vx11_chat_total` by fallback_source, from GET /metrics. */
async function chatCounters(port, token) {
  const res = await call(port, 'GET', '/metrics', { headers: { [TOKEN_HEADER]: token } });
  if (res.status !== 200) throw new Error(`GET /metrics: ${brief(res)}`);
  const counters = {};
  const line = /^vx11_chat_total\{fallback_source="([^"]*)"\}\s+([0-9.eE+-]+)\s*$/;
  for (const text of res.text.split('\n')) {
    const m = line.exec(text);
    if (m) counters[m[1]] = Number(m[2]);
  }
  return counters;
}

function counterDiff(before, after) {
  const diff = {};
  for (const [source, count] of Object.entries(after)) {
    const delta = count - (before[source] || 0);
    if (delta > 0) diff[source] = delta;
  }
  return diff;
}

const splitText = (split) =>
  Object.entries(split)
    .map(([source, count]) => `${source}×${fmt(count)}`)
    .join(' ') || 'none';

// ---------------------------------------------------------------------------------------------
// Concurrency 1.

/**
 * Sends `SEQ_WARMUP` then `SEQ_REQUESTS` requests one after the other; times the latter.
 * `check(res)` returns the fallback source of a VX11 answer (undefined for the provider).
 */
async function sequential(label, port, path, body, headers, check) {
  const times = [];
  let failures = 0;
  const sources = {};
  const firstErrors = [];
  for (let i = 0; i < SEQ_WARMUP + SEQ_REQUESTS; i += 1) {
    if (interrupted) throw new Error('interrupted');
    const measured = i >= SEQ_WARMUP;
    let res;
    try {
      res = await call(port, 'POST', path, { body, headers });
    } catch (err) {
      if (measured) failures += 1;
      if (firstErrors.length < 3) firstErrors.push(err.message);
      continue;
    }
    if (!measured) continue;
    if (res.status < 200 || res.status > 299) {
      failures += 1;
      if (firstErrors.length < 3) firstErrors.push(brief(res));
      continue;
    }
    times.push(res.ms);
    const source = check(res);
    if (source !== undefined) sources[source] = (sources[source] || 0) + 1;
  }
  const stats = summarize(times);
  say(
    `  ${label.padEnd(34)} n ${fmt(stats.n)}  p50 ${ms(stats.p50)}  p99 ${ms(stats.p99)}` +
      `  max ${ms(stats.max)}  failed ${fmt(failures)}` +
      (Object.keys(sources).length > 0 ? `  answered by ${splitText(sources)}` : ''),
  );
  for (const e of firstErrors) say(`    e.g. ${e}`);
  return { stats, failures, attempts: SEQ_REQUESTS, sources };
}

// ---------------------------------------------------------------------------------------------
// Concurrency 32.

/** Warm-up then a measured run; `around` is called just before and after the measured run. */
async function concurrent(label, url, body, headers, around) {
  if (interrupted) throw new Error('interrupted');
  const opts = {
    url,
    method: 'POST',
    body,
    headers: { ...headers, 'content-type': 'application/json' },
    connections: CONNECTIONS,
    pipelining: 1,
    timeout: REQUEST_TIMEOUT_MS / 1000,
  };
  await cannon({ ...opts, duration: WARMUP_S });
  if (interrupted) throw new Error('interrupted');
  const before = await around();
  const r = await cannon({ ...opts, duration: DURATION_S });
  const after = await around();
  if (interrupted) throw new Error('interrupted');

  const completed = r.requests.total; // responses of any status
  const failures = r.non2xx + r.errors; // autocannon counts timeouts among errors
  const attempts = completed + r.errors;
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${fmt(count)}`)
    .join(' ');
  say(
    `  ${label.padEnd(34)} ${fmt(r.requests.average).padStart(7)} req/s` +
      `  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms` +
      `  responses ${fmt(completed)} [${codes || 'none'}]` +
      `  non-2xx ${fmt(r.non2xx)}  errors ${fmt(r.errors)} (timeouts ${fmt(r.timeouts)})`,
  );
  return { result: r, failures, attempts, completed, before, after };
}

// ---------------------------------------------------------------------------------------------
// Statistics and checks.

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
  };
}

/** Failure ratio check; says what went wrong and returns whether it is within the limit. */
function withinLimit(label, bad, total, what) {
  const ratio = total > 0 ? bad / total : 1;
  const ok = total > 0 && ratio <= MAX_FAILURE_RATIO;
  if (bad > 0 || total === 0) {
    const pct = (ratio * 100).toFixed(2);
    say(
      `  ${ok ? 'WARNING' : 'ERROR'}: ${label}: ${fmt(bad)} of ${fmt(total)} ${what}` +
        ` (${pct}%; limit ${MAX_FAILURE_RATIO * 100}%)`,
    );
  }
  return ok;
}

const FAILED = 'requests failed';
const NOT_SWITCH = 'chats not answered by switch';

function notSwitch(split) {
  const total = Object.values(split).reduce((a, b) => a + b, 0);
  return { total, other: total - (split.switch || 0) };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`chat bench: received ${signal}; stopping the servers`);
      stopCurrentRun();
    });
  }

  ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-bench-'));
  const { env: vx11Env, token } = benchEnv(tmp);
  vx11Env.VX11_LOG_LEVEL = 'info'; // as deployed: a request line per chat
  const prefix = vx11Env.VX11_QUEUE_PREFIX;

  const servers = [];
  try {
    say(
      `chat bench: ${ROUNDS} rounds of ${fmt(SEQ_REQUESTS)} sequential requests after` +
        ` ${SEQ_WARMUP} warm-up, then ${CONNECTIONS} connections for ${WARMUP_S} s warm-up +` +
        ` ${DURATION_S} s per run (node ${process.version}, data in ${tmp})`,
    );
    const provider = await startServer('provider', [FAKE_PROVIDER], cleanEnv());
    servers.push(provider);

    const configFile = join(tmp, 'providers.json');
    writeFileSync(configFile, JSON.stringify(vx11BenchConfig(provider.port)));
    const vx11 = await startServer(
      'vx11',
      [...vx11NodeArgs('chat'), MAIN],
      { ...vx11Env, VX11_CONFIG_FILE: configFile },
      { stdoutFile: join(tmp, 'vx11-stdout.log') },
    );
    servers.push(vx11);
    say(`fake provider on http://${HOST}:${provider.port}/v1, VX11 on http://${HOST}:${vx11.port}`);

    await waitForDependencies(vx11.port, token);
    await activateSwitch(vx11.port, token);
    const auth = { [TOKEN_HEADER]: token };
    await sleep(2000); // let boot work (window recovery, first samples) settle
    const booted = procUsage(vx11.child.pid);
    const rssBoot = booted ? mb(booted.rssBytes) : null;
    // Idle is what a quiet server holds: by then it has given back what boot left (30 s of
    // quiet checks, every 5 s, trim the heap: core/memory/idle-heap-trim.ts).
    await sleep(IDLE_AFTER_BOOT_MS);
    const idle = procUsage(vx11.child.pid);
    const rssIdle = idle ? mb(idle.rssBytes) : null;
    say(
      `VX11 RSS idle (switch active, nothing served but one chat): ${rssIdle} MB after` +
        ` ${(2000 + IDLE_AFTER_BOOT_MS) / 1000} s of quiet (${rssBoot} MB after 2 s)`,
    );

    const checks = [];
    let rssAfterMax = null;
    const { figures, busy } = await inRounds(
      'chat',
      async () => {
        say(
          `  concurrency 1 (one keep-alive connection, ${fmt(SEQ_REQUESTS)} timed requests each):`,
        );
        const seqDirect = await sequential(
          'direct POST /v1/chat/completions',
          provider.port,
          '/v1/chat/completions',
          DIRECT_BODY,
          {},
          () => undefined,
        );
        const seqVx11 = await sequential(
          'VX11 POST /operator/api/chat',
          vx11.port,
          '/operator/api/chat',
          CHAT_BODY,
          auth,
          (res) => (res.json && res.json.fallback_source) || 'unreadable',
        );
        const addedP50C1 = seqVx11.stats.p50 - seqDirect.stats.p50;
        const addedP99C1 = seqVx11.stats.p99 - seqDirect.stats.p99;
        say(`    added by VX11: p50 ${ms(addedP50C1)}  p99 ${ms(addedP99C1)}`);

        say(`  concurrency ${CONNECTIONS} (autocannon; latencies in whole ms):`);
        const parDirect = await concurrent(
          'direct POST /v1/chat/completions',
          `http://${HOST}:${provider.port}/v1/chat/completions`,
          DIRECT_BODY,
          {},
          async () => ({ calls: await providerCalls(provider.port) }),
        );
        const parVx11 = await concurrent(
          'VX11 POST /operator/api/chat',
          `http://${HOST}:${vx11.port}/operator/api/chat`,
          CHAT_BODY,
          auth,
          async () => ({
            calls: await providerCalls(provider.port),
            chats: await chatCounters(vx11.port, token),
            usage: procUsage(vx11.child.pid),
            redisCpuS: await redisCpuSeconds(),
          }),
        );
        const split = counterDiff(parVx11.before.chats, parVx11.after.chats);
        const switchCalls = parVx11.after.calls - parVx11.before.calls;
        const { usage: u0 } = parVx11.before;
        const { usage: u1 } = parVx11.after;
        const cpuMsPerChat =
          u0 && u1 && parVx11.completed > 0
            ? ((u1.cpuS - u0.cpuS) * 1000) / parVx11.completed
            : null;
        const r0 = parVx11.before.redisCpuS;
        const r1 = parVx11.after.redisCpuS;
        const redisCpuMsPerChat =
          r0 !== null && r1 !== null && parVx11.completed > 0
            ? ((r1 - r0) * 1000) / parVx11.completed
            : null;
        const rssAfter = u1 ? mb(u1.rssBytes) : null;
        if (rssAfter !== null) rssAfterMax = Math.max(rssAfterMax ?? 0, rssAfter);
        say(
          `    VX11 chats by fallback_source (GET /metrics, measured run): ${splitText(split)};` +
            ` the fake provider answered ${fmt(switchCalls)} calls, autocannon counted` +
            ` ${fmt(parVx11.completed)} responses; server CPU ${ms(cpuMsPerChat)} per chat` +
            ` (Redis ${ms(redisCpuMsPerChat)} more),` +
            ` RSS ${rssAfter} MB`,
        );

        const c1Tier = notSwitch(seqVx11.sources);
        const c32Tier = notSwitch(split);
        checks.push(
          withinLimit('direct c1', seqDirect.failures, seqDirect.attempts, FAILED),
          withinLimit('VX11 c1', seqVx11.failures, seqVx11.attempts, FAILED),
          withinLimit('VX11 c1', c1Tier.other, c1Tier.total, NOT_SWITCH),
          withinLimit(`direct c${CONNECTIONS}`, parDirect.failures, parDirect.attempts, FAILED),
          withinLimit(`VX11 c${CONNECTIONS}`, parVx11.failures, parVx11.attempts, FAILED),
          withinLimit(`VX11 c${CONNECTIONS}`, c32Tier.other, c32Tier.total, NOT_SWITCH),
        );
        return {
          p50_added_ms_c1: addedP50C1,
          p99_added_ms_c1: addedP99C1,
          p50_added_ms: parVx11.result.latency.p50 - parDirect.result.latency.p50,
          p99_added_ms: parVx11.result.latency.p99 - parDirect.result.latency.p99,
          rps: parVx11.result.requests.average,
          direct_rps: parDirect.result.requests.average,
          cpu_ms_per_chat: cpuMsPerChat,
          redis_cpu_ms_per_chat: redisCpuMsPerChat,
          p50_ms_c1: seqVx11.stats.p50,
          direct_p50_ms_c1: seqDirect.stats.p50,
          rss_after_mb: rssAfter,
        };
      },
      () => interrupted,
    );
    const ok = checks.every(Boolean);
    say(
      ok
        ? 'chat bench: all runs within the error limit, chats answered by switch'
        : 'chat bench: FAILED, too many failed requests or chats not answered by switch (see above)',
    );

    const m = (key) => figures[key].median;
    const line = (key, value, digits = 2) =>
      figureLine('chat', key, value, GOALS[key], figures[key] && figures[key].rounds, digits);
    line('p50_added_ms_c1', m('p50_added_ms_c1'));
    line('p99_added_ms_c1', m('p99_added_ms_c1'));
    line('rps', m('rps'), 0);
    line('cpu_ms_per_chat', m('cpu_ms_per_chat'), 3);
    line('redis_cpu_ms_per_chat', m('redis_cpu_ms_per_chat'), 3);
    line('rss_idle_mb', rssIdle, 1);
    line('rss_after_mb', rssAfterMax, 1);
    line('direct_rps', m('direct_rps'), 0);

    const summary = {
      bench: 'chat',
      p50_added_ms_c1: round(m('p50_added_ms_c1'), 2),
      p99_added_ms_c1: round(m('p99_added_ms_c1'), 2),
      p50_added_ms: round(m('p50_added_ms'), 2),
      p99_added_ms: round(m('p99_added_ms'), 2),
      rps: round(m('rps'), 2),
      direct_rps: round(m('direct_rps'), 2),
      cpu_ms_per_chat: round(m('cpu_ms_per_chat'), 3),
      redis_cpu_ms_per_chat: round(m('redis_cpu_ms_per_chat'), 3),
      rss_idle_mb: rssIdle,
      rss_boot_mb: rssBoot,
      rss_after_mb: rssAfterMax,
      p50_ms_c1: round(m('p50_ms_c1'), 2),
      direct_p50_ms_c1: round(m('direct_p50_ms_c1'), 2),
      rounds: ROUNDS,
      busy,
    };
    await stopAll(servers);
    await dropQueueKeys(prefix);
    say(JSON.stringify(summary));
    return ok ? 0 : 1;
  } finally {
    agent.destroy();
    await stopAll(servers);
    await stopLeftovers(); // started but never listened
    await dropQueueKeys(prefix);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function stopAll(servers) {
  while (servers.length > 0) {
    const server = servers.pop(); // VX11 first, while its provider still answers
    await stopAndReport(server);
  }
}

// Last, so that every top-level binding above is initialized before main() touches it.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const detail = interrupted ? 'interrupted' : err && err.stack ? err.stack : err;
    console.error(`chat bench failed: ${detail}`);
    process.exitCode = 1;
  },
);
