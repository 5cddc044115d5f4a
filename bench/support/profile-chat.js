'use strict';

/**
 * Profiles the chat path (not a bench: `node bench/support/profile-chat.js [chats]`):
 *
 *   - Redis commands per chat: a private redis-server on a free port, `MONITOR` over an idle
 *     window (the background rate of BullMQ's workers and timers) and over N sequential chats;
 *     per chat = (commands during the chats − background rate × their duration) ÷ N, by command.
 *   - SQLite statements and commits per chat: VX11 runs with bench/support/sql-counter.js
 *     preloaded; counts read before and after the chats (SIGUSR2), ÷ N, by statement; the same
 *     around the 32-connection run, ÷ its answered chats (how well group commit batches).
 *   - async resources per chat (promises, ticks, timers…) by type: bench/support/async-counter.js
 *     preloaded, read with the SQLite counts; on Node 20 each costs AsyncLocalStorage a step.
 *   - fsyncs and other syscalls per chat: `strace -f -c` attached for the chats (if installed).
 *   - CPU profiles: VX11 runs with --cpu-prof (BENCH_PROFILE dir, default a temp dir); the
 *     sequential chats and then a 32-connection autocannon run are timed from the process
 *     start, and the summarize commands for each window are printed.
 *
 * Uses dist/ (or BENCH_DIST_DIR) and the fake provider of the benches. Prints a report.
 * `--sites`: async resources counted by where they are made too (a stack per resource: slow).
 * `--plain`: no MONITOR, no SQL counting, no strace (each slows the chats it counts), so the
 * c=1 window of the CPU profile and the printed chats/s show the chat path alone.
 */

/* global fetch, AbortSignal */

const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const Redis = require('ioredis');
const {
  MAIN,
  HOST,
  say,
  startServer,
  stopAndReport,
  stopLeftovers,
  ensureBuilt,
  cleanEnv,
  benchEnv,
} = require('./child-server');
const { cannon, sleep } = require('./measure');
const { FAKE_PROVIDER, vx11BenchConfig } = require('./fake-provider');
const { waitForRedis, openSwitchWindow } = require('./switch-ready');

const PLAIN = process.argv.includes('--plain');
const SITES = process.argv.includes('--sites');
const CHATS = Number(process.argv.filter((a) => !a.startsWith('--'))[2] || 200);
/** With --sites, the async resources' creation sites listed per chat. */
const TOP_SITES = 60;
const IDLE_S = 5;
const C32_S = 5;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function startRedis(port) {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const client = new Redis({ host: HOST, port, lazyConnect: true, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return child;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start: ${err.message}`);
      client.disconnect();
      await sleep(100);
    }
  }
}

async function json(port, method, path, token, body) {
  const res = await fetch(`http://${HOST}:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-vx11-token': token },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/** Counts MONITOR lines by command while it runs; stop() returns {total, byCommand}. */
async function monitor(port) {
  const client = new Redis({ host: HOST, port });
  const m = await client.monitor();
  const counts = new Map();
  let total = 0;
  let on = false;
  m.on('monitor', (_time, args) => {
    if (!on) return;
    total += 1;
    const name = String(args[0]).toLowerCase();
    const key = name === 'evalsha' || name === 'eval' ? `${name} (lua)` : name;
    counts.set(key, (counts.get(key) || 0) + 1);
  });
  return {
    start() {
      counts.clear();
      total = 0;
      on = true;
    },
    stop() {
      on = false;
      return { total, byCommand: Object.fromEntries(counts) };
    },
    close() {
      m.disconnect();
      client.disconnect();
    },
  };
}

/** SIGUSR2 to VX11: its preloaded counters write their counts, each to its own file. */
async function readCounts(pid, files) {
  for (const file of files) if (existsSync(file)) writeFileSync(file, '');
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 5000;
  const counts = [];
  const written = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  for (const file of files) {
    let text;
    while (!(text = written(file))) {
      if (Date.now() > deadline) throw new Error(`no counts in ${file} from VX11`);
      await sleep(50);
    }
    counts.push(JSON.parse(text));
  }
  return counts;
}

function straceAttach(pid, out) {
  const child = spawn('strace', ['-f', '-c', '-o', out, '-p', String(pid)], { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

/** Prints the better-sqlite3 calls made between two counts, per chat, most frequent first. */
function sayPerChat(before, after, chats, top = Infinity) {
  const diff = Object.entries(after)
    .map(([k, v]) => [k, v - (before[k] || 0)])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  for (const [k, v] of diff.slice(0, top)) say(`  ${(v / chats).toFixed(2).padStart(6)}  ${k}`);
}

const WATCHDOG_MS = 300_000;
/** Preloads that count per chat (not with --plain): each answers SIGUSR2 with a file. */
const COUNTERS = ['sql-counter.js', 'async-counter.js'];
let redisChild;
process.on('exit', () => redisChild?.kill('SIGKILL'));

async function main() {
  setTimeout(() => {
    console.error(`chat profile: no result after ${WATCHDOG_MS / 1000} s; giving up`);
    process.exit(1); // child-server kills the servers on exit
  }, WATCHDOG_MS).unref();
  ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'vx11-profile-'));
  const profDir = process.env.BENCH_PROFILE || join(tmp, 'profiles');
  mkdirSync(profDir, { recursive: true });
  const redisPort = await freePort();
  const redis = await startRedis(redisPort);
  redisChild = redis;
  const { env, token } = benchEnv(tmp);
  env.REDIS_URL = `redis://${HOST}:${redisPort}`;
  env.VX11_LOG_LEVEL = 'info';
  env.SQL_COUNT_FILE = join(tmp, 'sql-counts.json');
  env.ASYNC_COUNT_FILE = join(tmp, 'async-counts.json');
  if (SITES) env.ASYNC_SITES = '1';
  const countFiles = [env.SQL_COUNT_FILE, env.ASYNC_COUNT_FILE];
  const noCounts = [{}, {}];
  const servers = [];
  try {
    const provider = await startServer('provider', [FAKE_PROVIDER], cleanEnv());
    servers.push(provider);
    env.VX11_CONFIG_FILE = join(tmp, 'providers.json');
    writeFileSync(env.VX11_CONFIG_FILE, JSON.stringify(vx11BenchConfig(provider.port)));
    const spawnedAt = performance.now();
    const vx11 = await startServer(
      'vx11',
      [
        ...(PLAIN ? [] : COUNTERS.flatMap((file) => ['--require', join(__dirname, file)])),
        '--cpu-prof',
        `--cpu-prof-dir=${profDir}`,
        '--cpu-prof-name=chat-profile.cpuprofile',
        MAIN,
      ],
      env,
      { stdoutFile: join(tmp, 'vx11-stdout.log') },
    );
    servers.push(vx11);
    const pid = vx11.child.pid;
    await waitForRedis(vx11.port, token);
    await openSwitchWindow(vx11.port, token, 'chat profile');
    for (let i = 0; i < 50; i += 1) {
      await json(vx11.port, 'POST', '/operator/api/chat', token, { message: 'warm-up' });
    }
    await sleep(2000);

    const mon = PLAIN ? null : await monitor(redisPort);
    let idle;
    let idleRate = 0;
    if (mon) {
      mon.start();
      await sleep(IDLE_S * 1000);
      idle = mon.stop();
      idleRate = idle.total / IDLE_S;
    }

    const [sqlBefore, asyncBefore] = PLAIN ? noCounts : await readCounts(pid, countFiles);
    const straceOut = join(tmp, 'strace.txt');
    const strace = PLAIN ? null : straceAttach(pid, straceOut);
    if (strace) await sleep(1000); // strace attaches to every thread
    mon?.start();
    const t0 = performance.now();
    let notSwitch = 0;
    for (let i = 0; i < CHATS; i += 1) {
      const r = await json(vx11.port, 'POST', '/operator/api/chat', token, { message: 'hello' });
      if (!r.body || r.body.fallback_source !== 'switch') notSwitch += 1;
    }
    const t1 = performance.now();
    const during = mon?.stop();
    if (strace) {
      strace.kill('SIGINT');
      await new Promise((r) => strace.once('exit', r).once('error', r));
    }
    const [sqlAfter, asyncAfter] = PLAIN ? noCounts : await readCounts(pid, countFiles);
    mon?.close();

    const seconds = (t1 - t0) / 1000;
    say(
      `chat profile: ${CHATS} sequential chats in ${seconds.toFixed(2)} s (${notSwitch} not switch)`,
    );
    say(`  ${((seconds * 1000) / CHATS).toFixed(3)} ms per chat`);
    if (during) {
      say(
        `\nRedis commands per chat (MONITOR; idle background ${idleRate.toFixed(1)}/s subtracted):`,
      );
      const perChat = (during.total - idleRate * seconds) / CHATS;
      say(`  total ${perChat.toFixed(2)} per chat`);
      for (const [cmd, n] of Object.entries(during.byCommand).sort((a, b) => b[1] - a[1])) {
        const bg = ((idle.byCommand[cmd] || 0) / IDLE_S) * seconds;
        say(
          `  ${cmd.padEnd(20)} ${((n - bg) / CHATS).toFixed(2)}  (idle ${(idle.byCommand[cmd] || 0) / IDLE_S}/s)`,
        );
      }
    }
    if (!PLAIN) say('\nSQLite per chat (better-sqlite3 calls):');
    sayPerChat(sqlBefore, sqlAfter, CHATS);
    if (!PLAIN) {
      say(`\nAsync resources per chat (async_hooks init, by type${SITES ? ' and site' : ''}):`);
    }
    sayPerChat(asyncBefore, asyncAfter, CHATS, SITES ? TOP_SITES : Infinity);
    if (existsSync(straceOut)) {
      say('\nsyscalls during the chats (strace -f -c), per chat:');
      for (const line of readFileSync(straceOut, 'utf8').split('\n')) {
        const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
        if (m && Number(m[1]) / CHATS >= 0.05) {
          say(`  ${(Number(m[1]) / CHATS).toFixed(2).padStart(7)}  ${m[2]}`);
        }
      }
    }

    const c1From = (t0 - spawnedAt) / 1000;
    const c1Until = (t1 - spawnedAt) / 1000;
    const c32From = (performance.now() - spawnedAt) / 1000 + 1;
    const [sqlBeforeC32, asyncBeforeC32] = PLAIN ? noCounts : await readCounts(pid, countFiles);
    const c32 = await cannon({
      url: `http://${HOST}:${vx11.port}/operator/api/chat`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vx11-token': token },
      body: JSON.stringify({ message: 'hello' }),
      connections: 32,
      duration: C32_S + 1,
    });
    const c32Until = (performance.now() - spawnedAt) / 1000;
    if (!PLAIN) {
      // the warm-up second's chats are in the counts too, so divide by every answered one
      say(`\nSQLite per chat at c=32 (${c32['2xx']} chats):`);
      const [sqlAfterC32, asyncAfterC32] = await readCounts(pid, countFiles);
      sayPerChat(sqlBeforeC32, sqlAfterC32, c32['2xx']);
      say(`\nAsync resources per chat at c=32:`);
      sayPerChat(asyncBeforeC32, asyncAfterC32, c32['2xx'], SITES ? TOP_SITES : Infinity);
    }
    await stopAndReport(servers.pop());
    const prof = join(profDir, 'chat-profile.cpuprofile');
    say(`\nCPU profile: ${prof}`);
    say(
      `  c=1 : node bench/support/profile-summary.js ${prof} --skip ${c1From.toFixed(1)} --until ${c1Until.toFixed(1)}`,
    );
    say(
      `  c=32: node bench/support/profile-summary.js ${prof} --skip ${c32From.toFixed(1)} --until ${c32Until.toFixed(1)}`,
    );
  } finally {
    while (servers.length > 0) await stopAndReport(servers.pop());
    await stopLeftovers();
    redis.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(`chat profile failed: ${err && err.stack ? err.stack : err}`);
  process.exitCode = 1;
});
