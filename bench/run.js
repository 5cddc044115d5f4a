'use strict';

/**
 * Runs the VX11 benchmarks: every `bench/*.bench.js`, one after the other, each in its own
 * child process. Their stdout passes straight through (each bench ends with one JSON line);
 * this runner's own messages go to stderr so stdout stays machine-readable.
 *
 *   npm run bench              # all benches, in name order
 *   npm run bench -- gateway   # only bench/gateway.bench.js (several names may be given)
 *
 * Exits 0 when every bench exited 0, 1 when one failed, 2 on a usage error.
 */

const { spawn } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const BENCH_DIR = __dirname;
const SUFFIX = '.bench.js';

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function availableBenches() {
  return readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

/** `gateway`, `gateway.bench` and `gateway.bench.js` all name bench/gateway.bench.js. */
function normalizeName(arg) {
  let name = arg.replace(/^.*[\\/]/, '');
  if (name.endsWith('.js')) name = name.slice(0, -3);
  if (name.endsWith('.bench')) name = name.slice(0, -6);
  return name;
}

let current = null;

function runOne(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    log(`running ${name}`);
    const child = spawn(process.execPath, [join(BENCH_DIR, name + SUFFIX)], {
      cwd: join(BENCH_DIR, '..'),
      stdio: 'inherit',
    });
    current = child;
    child.on('error', (err) => {
      current = null;
      log(`${name}: could not start (${err.message})`);
      resolve({ name, ok: false, detail: 'spawn failed' });
    });
    child.on('exit', (code, signal) => {
      current = null;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const detail = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({ name, ok: code === 0, detail: `${detail}, ${seconds} s` });
    });
  });
}

// Pass a stop request on to the bench in progress so it can shut its servers down.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    log(`received ${signal}; stopping`);
    if (current) current.kill(signal);
  });
}

async function main() {
  const available = availableBenches();
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  const names = requested.length > 0 ? requested.map(normalizeName) : available;

  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    log(`unknown bench: ${unknown.join(', ')} (available: ${available.join(', ') || 'none'})`);
    return 2;
  }
  if (names.length === 0) {
    log(`no *${SUFFIX} files in ${BENCH_DIR}`);
    return 2;
  }

  const results = [];
  for (const name of names) {
    if (stopping) break;
    results.push(await runOne(name));
  }

  const failed = results.filter((r) => !r.ok);
  for (const r of results) log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.detail})`);
  if (stopping) log('interrupted');
  return failed.length > 0 || stopping ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    log(`runner error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
  },
);
