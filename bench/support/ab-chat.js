'use strict';

/**
 * Two builds side by side (not a bench: `node bench/support/ab-chat.js <dist A> <dist B>`):
 * both VX11 builds run at once against one fake provider and one Redis (queue prefixes of their
 * own), and take turns at short 32-connection chat bursts (`POST /operator/api/chat`), A then B,
 * then B then A, and so on. The server CPU per chat of each burst comes from /proc/<pid>/stat.
 * On a VM whose speed moves by ±30 % within minutes, runs of one build after the other cannot
 * show a few per cent; bursts a few seconds apart share the VM's mood, and each round pairs them.
 *
 *   AB_ROUNDS   paired rounds (default 12)     AB_BURST_S  seconds per burst (default 3)
 *   AB_WARMUP_S each build's warm-up first (default 6: the first bursts of a fresh process are
 *               dearer while V8 optimises)
 *   AB_FRESH    1: fresh processes for every round (slower: each round starts and warms up
 *               both builds). One process runs a few per cent faster or slower than its twin
 *               for its whole life (an A/A run of 2026-12-03 with two process pairs: B faster
 *               in 12 of 12 rounds, then swapped, A in 6 of 8): with few process pairs, rounds
 *               are not independent; use this before believing a small difference.
 *
 * The builds are directories like `dist/` inside the project (their `require`s resolve against
 * its node_modules), e.g. `npx tsc -p tsconfig.build.json --outDir test-artifacts/a-dist`.
 * Prints each build's medians, how many rounds B was cheaper, and one JSON line.
 *
 * Half of the rounds run with A started first, the other half, on fresh processes, with B first.
 *
 * `--get <path>` (e.g. `--get /health`): the bursts are `GET <path>` at 50 connections with the
 * token, as the gateway bench loads a route, request lines at info; the figure is µs of server
 * CPU per request.
 *
 * `--c1`: the bursts are sequential chats on one keep-alive connection, as the chat bench's c=1
 * run; besides the CPU per chat, each burst's p50 latency (ms), and in how many rounds B's was
 * lower. For a change to the path of one chat, which at c=32 hides behind the others.
 *
 * `--stream`: as `--c1`, but each chat is `POST /v1/chat/completions` with `"stream": true`
 * (the stream bench's body) read to its end, and the p50 is the time to the first `data:`
 * chunk, the stream bench's figure.
 */

/* global fetch */

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const {
  HOST,
  say,
  startServer,
  stopAndReport,
  stopLeftovers,
  cleanEnv,
  benchEnv,
} = require('./child-server');
const { cannon, round } = require('./measure');
const { FAKE_PROVIDER, PROVIDER_MODEL, vx11BenchConfig } = require('./fake-provider');
const { procUsage, vx11NodeArgs } = require('./rounds');
const { dropQueueKeys } = require('./redis-keys');
const { waitForRedis, openSwitchWindow } = require('./switch-ready');

const ROUNDS = Number(process.env.AB_ROUNDS || 12);
const BURST_S = Number(process.env.AB_BURST_S || 3);
const WARMUP_S = Number(process.env.AB_WARMUP_S || 6);
const FRESH = process.env.AB_FRESH === '1';
const MESSAGE = JSON.stringify({ message: 'hello' });
const getAt = process.argv.indexOf('--get');
/** `--get <path>`: GET bursts at the gateway bench's 50 connections instead of chats at 32. */
const GET_PATH = getAt === -1 ? undefined : process.argv[getAt + 1];
const CONNECTIONS = GET_PATH ? 50 : 32;
/** `--stream`: sequential streamed chats, each timed to its first chunk. */
const STREAM = process.argv.includes('--stream');
/** `--c1`: sequential chats, one at a time, each timed. */
const C1 = STREAM || process.argv.includes('--c1');
const STREAM_BODY = JSON.stringify({
  model: PROVIDER_MODEL,
  messages: [{ role: 'user', content: 'hello' }],
  stream: true,
});
/** The figure per burst: ms of server CPU per chat, or µs per GET request. */
const CPU_UNIT = GET_PATH ? 1e6 : 1e3;
const UNIT_NAME = GET_PATH ? 'µs per request' : 'ms per chat';

async function post(port, token, path, body) {
  const res = await fetch(`http://${HOST}:${port}${path}`, {
    method: 'POST',
    headers: { 'x-vx11-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

/** Starts the build in `dir` with switch active; returns what a burst needs. */
async function startBuild(dir, providerPort) {
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-ab-'));
  const { env, token } = benchEnv(tmp);
  const config = join(tmp, 'providers.json');
  writeFileSync(config, JSON.stringify(vx11BenchConfig(providerPort)));
  const server = await startServer(
    dir,
    [...vx11NodeArgs('ab'), resolve(dir, 'src', 'main.js')],
    { ...env, VX11_CONFIG_FILE: config, ...(GET_PATH ? { VX11_LOG_LEVEL: 'info' } : {}) },
    { stdoutFile: join(tmp, 'vx11-stdout.log') },
  );
  await waitForRedis(server.port, token);
  await openSwitchWindow(server.port, token, 'ab-chat');
  const first = await post(server.port, token, '/operator/api/chat', { message: 'hello' });
  if (!first.json || first.json.fallback_source !== 'switch') {
    throw new Error(`${dir}: the first chat was not answered by switch: ${JSON.stringify(first)}`);
  }
  return { dir, server, token, tmp, prefix: env.VX11_QUEUE_PREFIX };
}

/**
 * One chat on `agent`'s one connection; resolves with its status and latency (ms): to the end
 * of the answer, or with `--stream` to its first `data:` chunk.
 */
function chatOnce(build, agent) {
  const body = STREAM ? STREAM_BODY : MESSAGE;
  const started = performance.now();
  return new Promise((resolveChat, reject) => {
    const req = http.request(
      {
        host: HOST,
        port: build.server.port,
        path: STREAM ? '/v1/chat/completions' : '/operator/api/chat',
        method: 'POST',
        agent,
        headers: {
          'x-vx11-token': build.token,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let firstChunkMs;
        let text = '';
        res.on('data', (chunk) => {
          if (!STREAM || firstChunkMs !== undefined) return;
          text += chunk;
          if (text.includes('data:')) firstChunkMs = performance.now() - started;
        });
        res.on('end', () =>
          resolveChat({
            status: res.statusCode,
            ms: STREAM ? (firstChunkMs ?? Infinity) : performance.now() - started,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `--c1`: sequential chats for `seconds`: server CPU per chat, chats/s and the p50 latency. */
async function sequentialBurst(build, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  let failed = 0;
  const before = procUsage(build.server.child.pid);
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const { status, ms } = await chatOnce(build, agent);
    latencies.push(ms);
    if (status !== 200) failed += 1;
  }
  const after = procUsage(build.server.child.pid);
  agent.destroy();
  if (failed > latencies.length / 100) {
    throw new Error(`${build.dir}: ${failed} of ${latencies.length} chats failed`);
  }
  return {
    cpu: ((after.cpuS - before.cpuS) * CPU_UNIT) / latencies.length,
    rps: latencies.length / seconds,
    p50: median(latencies),
  };
}

/** One burst against `build`: server CPU per answer (CPU_UNIT), and answers/s. */
async function burst(build, seconds) {
  if (C1) return sequentialBurst(build, seconds);
  const before = procUsage(build.server.child.pid);
  const request = GET_PATH
    ? { url: `http://${HOST}:${build.server.port}${GET_PATH}` }
    : {
        url: `http://${HOST}:${build.server.port}/operator/api/chat`,
        method: 'POST',
        body: MESSAGE,
      };
  const result = await cannon({
    ...request,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'x-vx11-token': build.token, 'content-type': 'application/json' },
  });
  const after = procUsage(build.server.child.pid);
  const answered = result['2xx'];
  if (answered === 0 || result.non2xx > answered / 100) {
    throw new Error(
      `${build.dir}: ${result.non2xx} of ${answered + result.non2xx} requests failed`,
    );
  }
  return { cpu: ((after.cpuS - before.cpuS) * CPU_UNIT) / answered, rps: answered / seconds };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const dirs = process.argv
    .slice(2)
    .filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--get');
  if (dirs.length !== 2 || (getAt !== -1 && !GET_PATH?.startsWith('/'))) {
    throw new Error(
      'usage: node bench/support/ab-chat.js <dist A> <dist B> [--get <path> | --c1 | --stream]',
    );
  }
  const builds = dirs.map((dir) => ({ dir, cpu: [], rps: [], p50: [] }));
  let running = [];
  try {
    const provider = await startServer('provider', [FAKE_PROVIDER], cleanEnv());
    // A process started first measured dearer than its twin started second (an A/A run of
    // 2026-12-03: 7 of 8 rounds), so each half of the rounds starts the builds the other way.
    // AB_FRESH: a pair of fresh processes per round, each half started the other way round
    const pairs = FRESH ? ROUNDS : 2;
    for (let half = 0; half < pairs; half += 1) {
      const order = half % 2 === 0 ? builds : [...builds].reverse();
      running = [];
      for (const build of order)
        running.push({ build, ...(await startBuild(build.dir, provider.port)) });
      for (const run of running) await burst(run, WARMUP_S);
      const rounds = FRESH ? 1 : half === 0 ? Math.ceil(ROUNDS / 2) : Math.floor(ROUNDS / 2);
      for (let i = 0; i < rounds; i += 1) {
        for (const run of i % 2 ? [...running].reverse() : running) {
          const { cpu, rps, p50 } = await burst(run, BURST_S);
          run.build.cpu.push(cpu);
          run.build.rps.push(rps);
          if (p50 !== undefined) run.build.p50.push(p50);
        }
      }
      await stopRuns(running);
    }
    const [a, b] = builds;
    const bCheaper = a.cpu.filter((cpuA, i) => b.cpu[i] < cpuA).length;
    const figures = {};
    const cpuKey = GET_PATH ? 'cpu_us_per_request' : 'cpu_ms_per_chat';
    for (const [key, build] of [
      ['a', a],
      ['b', b],
    ]) {
      figures[`${key}_${cpuKey}`] = round(median(build.cpu), 3);
      figures[`${key}_rps`] = round(median(build.rps), 0);
      if (C1) figures[`${key}_p50_ms_c1`] = round(median(build.p50), 3);
      say(
        `${key.toUpperCase()} ${build.dir}: CPU median ${figures[`${key}_${cpuKey}`]} ${UNIT_NAME}` +
          ` (${build.cpu.map((v) => v.toFixed(2)).join(' ')}), answers/s ${figures[`${key}_rps`]}` +
          (C1
            ? `, p50 ${figures[`${key}_p50_ms_c1`]} ms (${build.p50.map((v) => v.toFixed(2)).join(' ')})`
            : ''),
      );
    }
    say(`B cheaper in ${bCheaper} of ${ROUNDS} rounds`);
    if (C1) {
      figures.b_faster = a.p50.filter((p50A, i) => b.p50[i] < p50A).length;
      say(`B faster (p50) in ${figures.b_faster} of ${ROUNDS} rounds`);
    }
    console.log(
      JSON.stringify({
        ab: GET_PATH ? `GET ${GET_PATH}` : STREAM ? 'stream c=1' : C1 ? 'chat c=1' : 'chat',
        a: a.dir,
        b: b.dir,
        ...figures,
        b_cheaper: bCheaper,
        rounds: ROUNDS,
      }),
    );
  } finally {
    await stopRuns(running);
    await stopLeftovers();
  }
}

/** Stops the running builds and drops their queues and data. */
async function stopRuns(runs) {
  for (const run of runs.splice(0)) {
    await stopAndReport(run.server);
    await dropQueueKeys(run.prefix).catch(() => undefined);
    rmSync(run.tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`ab-chat: ${err.message}`);
  process.exitCode = 1;
});
