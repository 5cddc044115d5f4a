'use strict';

/**
 * What the first seconds of work after a quiet spell cost (not a bench:
 * `node bench/support/after-idle.js [dist dir] [--idle-s 12] [--rounds 3] [--get /health]`):
 * one VX11 build, loaded at 50 connections in 3-s bursts — two while busy, then, after
 * `--idle-s` seconds of nothing, two more — `--rounds` times. The figure per burst is µs of
 * server CPU per request (/proc/<pid>/stat). An idle heap trim (core/memory/idle-heap-trim.ts)
 * that ran during the quiet spell shows as dearer "after idle" bursts (bench/README.md, item 33).
 */

const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { ROOT, say, startServer, stopAndReport, benchEnv } = require('./child-server');
const { cannon, round, sleep } = require('./measure');
const { procUsage, vx11NodeArgs } = require('./rounds');

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
}

const DIST = resolve(
  ROOT,
  process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'dist',
);
const IDLE_S = Number(option('--idle-s', 12));
const ROUNDS = Number(option('--rounds', 3));
const PATH = option('--get', '/health');
const BURST_S = 3;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-after-idle-'));
  const { env, token } = benchEnv(tmp);
  const server = await startServer(
    'vx11',
    [...vx11NodeArgs('after-idle'), join(DIST, 'src', 'main.js')],
    { ...env, VX11_LOG_LEVEL: 'info' },
    { stdoutFile: join(tmp, 'vx11-stdout.log') },
  );
  const url = `http://127.0.0.1:${server.port}${PATH}`;
  const headers = { 'x-vx11-token': token };
  const burst = async (label) => {
    const before = procUsage(server.child.pid);
    const result = await cannon({ url, connections: 50, duration: BURST_S, headers });
    const after = procUsage(server.child.pid);
    const us = ((after.cpuS - before.cpuS) * 1e6) / Math.max(1, result.requests.total);
    say(
      `  ${label.padEnd(16)} ${us.toFixed(1)} µs per request  ${Math.round(result.requests.average)} req/s`,
    );
    return us;
  };
  const busy = [];
  const first = [];
  const second = [];
  try {
    await cannon({ url, connections: 50, duration: BURST_S, headers }); // warm-up
    for (let i = 1; i <= ROUNDS; i += 1) {
      say(`round ${i}/${ROUNDS}`);
      busy.push(await burst('busy'), await burst('busy'));
      await sleep(IDLE_S * 1000);
      first.push(await burst(`after ${IDLE_S} s idle`));
      second.push(await burst('3 s later'));
    }
  } finally {
    await stopAndReport(server);
  }
  const figures = {
    build: process.argv[2] ?? 'dist',
    idle_s: IDLE_S,
    busy_us: round(median(busy), 1),
    after_idle_us: round(median(first), 1),
    after_idle_3s_us: round(median(second), 1),
    rounds: ROUNDS,
  };
  say(
    `busy ${figures.busy_us} µs, first burst after idle ${figures.after_idle_us} µs, ` +
      `the next ${figures.after_idle_3s_us} µs (medians)`,
  );
  say(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
