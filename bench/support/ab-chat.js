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
 *
 * The builds are directories like `dist/` inside the project (their `require`s resolve against
 * its node_modules), e.g. `npx tsc -p tsconfig.build.json --outDir test-artifacts/a-dist`.
 * Prints each build's medians, how many rounds B was cheaper, and one JSON line.
 */

/* global fetch */

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { HOST, say, startServer, stopLeftovers, cleanEnv, benchEnv } = require('./child-server');
const { cannon, round } = require('./measure');
const { FAKE_PROVIDER, vx11BenchConfig } = require('./fake-provider');
const { procUsage, vx11NodeArgs } = require('./rounds');
const { dropQueueKeys } = require('./redis-keys');
const { waitForRedis, openSwitchWindow } = require('./switch-ready');

const ROUNDS = Number(process.env.AB_ROUNDS || 12);
const BURST_S = Number(process.env.AB_BURST_S || 3);
const WARMUP_S = Number(process.env.AB_WARMUP_S || 6);
const CONNECTIONS = 32;
const MESSAGE = JSON.stringify({ message: 'hello' });

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
    { ...env, VX11_CONFIG_FILE: config },
    { stdoutFile: join(tmp, 'vx11-stdout.log') },
  );
  await waitForRedis(server.port, token);
  await openSwitchWindow(server.port, token, 'ab-chat');
  const first = await post(server.port, token, '/operator/api/chat', { message: 'hello' });
  if (!first.json || first.json.fallback_source !== 'switch') {
    throw new Error(`${dir}: the first chat was not answered by switch: ${JSON.stringify(first)}`);
  }
  return { dir, server, token, tmp, prefix: env.VX11_QUEUE_PREFIX, cpu: [], rps: [] };
}

/** One burst against `build`: server CPU per chat answered, and chats/s. */
async function burst(build, seconds) {
  const before = procUsage(build.server.child.pid);
  const result = await cannon({
    url: `http://${HOST}:${build.server.port}/operator/api/chat`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'x-vx11-token': build.token, 'content-type': 'application/json' },
    body: MESSAGE,
  });
  const after = procUsage(build.server.child.pid);
  const answered = result['2xx'];
  if (answered === 0 || result.non2xx > answered / 100) {
    throw new Error(`${build.dir}: ${result.non2xx} of ${answered + result.non2xx} chats failed`);
  }
  return { cpuMs: ((after.cpuS - before.cpuS) * 1000) / answered, rps: answered / seconds };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const dirs = process.argv.slice(2);
  if (dirs.length !== 2) throw new Error('usage: node bench/support/ab-chat.js <dist A> <dist B>');
  const builds = [];
  try {
    const provider = await startServer('provider', [FAKE_PROVIDER], cleanEnv());
    for (const dir of dirs) builds.push(await startBuild(dir, provider.port));
    for (const build of builds) await burst(build, WARMUP_S);
    for (let i = 0; i < ROUNDS; i += 1) {
      for (const build of i % 2 ? [...builds].reverse() : builds) {
        const { cpuMs, rps } = await burst(build, BURST_S);
        build.cpu.push(cpuMs);
        build.rps.push(rps);
      }
    }
    const [a, b] = builds;
    const bCheaper = a.cpu.filter((cpuA, i) => b.cpu[i] < cpuA).length;
    const figures = {};
    for (const [key, build] of [
      ['a', a],
      ['b', b],
    ]) {
      figures[`${key}_cpu_ms_per_chat`] = round(median(build.cpu), 3);
      figures[`${key}_rps`] = round(median(build.rps), 0);
      say(
        `${key.toUpperCase()} ${build.dir}: CPU per chat median ${figures[`${key}_cpu_ms_per_chat`]} ms` +
          ` (${build.cpu.map((v) => v.toFixed(2)).join(' ')}), chats/s ${figures[`${key}_rps`]}`,
      );
    }
    say(`B cheaper in ${bCheaper} of ${ROUNDS} rounds`);
    console.log(
      JSON.stringify({
        ab: 'chat',
        a: a.dir,
        b: b.dir,
        ...figures,
        b_cheaper: bCheaper,
        rounds: ROUNDS,
      }),
    );
  } finally {
    await stopLeftovers();
    for (const build of builds) {
      await dropQueueKeys(build.prefix).catch(() => undefined);
      rmSync(build.tmp, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(`ab-chat: ${err.message}`);
  process.exitCode = 1;
});
