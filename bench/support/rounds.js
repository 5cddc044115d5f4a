'use strict';

/**
 * Rounds, medians, goals and process accounting shared by the benches.
 *
 *   BENCH_ROUNDS   rounds per bench (default 3; the printed figure is the median)
 *   BENCH_SECONDS  measured seconds per load run (default 5; warm-up is a third of it, ≥ 1 s)
 *   BENCH_MAX_LOAD the 1-minute load average a round waits to drop under (default 1)
 *   BENCH_LOAD_WAIT_S how long a round waits for that at most (default 60; then it runs anyway
 *                  and the figure line says `"busy": true`)
 *   BENCH_PROFILE  a directory: VX11 runs with --cpu-prof writing its profiles there
 */

const { readFileSync } = require('node:fs');
const { loadavg } = require('node:os');
const { say } = require('./child-server');
const { round, sleep } = require('./measure');
const { NODE_FLAGS } = require('../../scripts/node-flags');

function envNumber(name, fallback, min) {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name} must be a number ≥ ${min} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

const ROUNDS = Math.round(envNumber('BENCH_ROUNDS', 3, 1));
const SECONDS = envNumber('BENCH_SECONDS', 5, 1);
const WARMUP_SECONDS = Math.max(1, Math.round(SECONDS / 3));
const MAX_LOAD = envNumber('BENCH_MAX_LOAD', 1, 0.01);
const LOAD_WAIT_S = envNumber('BENCH_LOAD_WAIT_S', 60, 0);

/**
 * Waits (bounded) until the 1-minute load average is below BENCH_MAX_LOAD. Returns the load
 * it started the round at and whether it had to give up waiting (a busy machine).
 */
async function waitForQuiet(label, isInterrupted = () => false) {
  const deadline = Date.now() + LOAD_WAIT_S * 1000;
  let load = loadavg()[0];
  if (load >= MAX_LOAD)
    say(`  ${label}: load ${load.toFixed(2)} ≥ ${MAX_LOAD}; waiting (≤ ${LOAD_WAIT_S} s)`);
  while (load >= MAX_LOAD && Date.now() < deadline && !isInterrupted()) {
    await sleep(1000);
    load = loadavg()[0];
  }
  const busy = load >= MAX_LOAD;
  if (busy) say(`  ${label}: still load ${load.toFixed(2)}; running anyway (figures pessimistic)`);
  return { load: round(load, 2), busy };
}

function median(values) {
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `round(i)` ROUNDS times, each after waitForQuiet. Each returns an object of figures;
 * the result holds, per figure, the median and the values of every round.
 */
async function inRounds(label, runRound, isInterrupted = () => false) {
  const results = [];
  const loads = [];
  let busy = false;
  for (let i = 1; i <= ROUNDS; i += 1) {
    if (isInterrupted()) throw new Error('interrupted');
    const quiet = await waitForQuiet(`${label} round ${i}/${ROUNDS}`, isInterrupted);
    loads.push(quiet.load);
    busy = busy || quiet.busy;
    say(`${label} round ${i}/${ROUNDS} (load ${quiet.load}):`);
    results.push(await runRound(i));
  }
  const figures = {};
  for (const key of Object.keys(results[0])) {
    const values = results.map((r) => r[key]);
    figures[key] = { median: median(values), rounds: values };
  }
  return { figures, loads, busy };
}

/**
 * One JSON line per figure with its goal: {"bench","figure","value","goal","met","rounds"}.
 * `goal` is [op, target] with op one of "<=", ">=", or undefined for a figure without a goal.
 */
function figureLine(bench, figure, value, goal, rounds, digits = 2) {
  const line = { bench, figure, value: round(value, digits) };
  if (goal) {
    const [op, target] = goal;
    line.goal = `${op} ${target}`;
    line.met =
      value === null || value === undefined
        ? false
        : op === '<='
          ? value <= target
          : value >= target;
  }
  if (rounds) line.rounds = rounds.map((v) => round(v, digits));
  say(JSON.stringify(line));
  return line;
}

/** CPU seconds (user + system) and RSS bytes of a process, from /proc (Linux only). */
function procUsage(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
    const rssPages = Number(fields[21]); // field 24
    return { cpuS: ticks / CLOCK_TICKS, rssBytes: rssPages * PAGE_SIZE };
  } catch {
    return null;
  }
}

// getconf CLK_TCK and PAGESIZE: 100 and 4096 on every Linux this runs on.
const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

const mb = (bytes) => round(bytes / (1024 * 1024), 1);

/**
 * node arguments for VX11: the flags it is deployed with (scripts/node-flags.js), or
 * BENCH_NODE_FLAGS instead when it is set (space-separated; empty for none: to measure a flag),
 * and --cpu-prof into BENCH_PROFILE when that is set.
 */
function vx11NodeArgs(name) {
  const override = process.env.BENCH_NODE_FLAGS;
  const flags = override === undefined ? NODE_FLAGS : override.split(/\s+/).filter(Boolean);
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return [...flags];
  return [
    ...flags,
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
  ];
}

module.exports = {
  ROUNDS,
  SECONDS,
  WARMUP_SECONDS,
  MAX_LOAD,
  waitForQuiet,
  median,
  inRounds,
  figureLine,
  procUsage,
  mb,
  vx11NodeArgs,
};
