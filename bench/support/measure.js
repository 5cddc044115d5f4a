'use strict';

/** Small measuring helpers every bench shares. */

let currentRun = null;

/** Runs autocannon with `opts`; stopCurrentRun() ends it early (on SIGINT/SIGTERM). */
function cannon(opts) {
  const autocannon = require('autocannon');
  return new Promise((resolveRun, rejectRun) => {
    currentRun = autocannon(opts, (err, result) => {
      currentRun = null;
      if (err) rejectRun(err);
      else resolveRun(result);
    });
  });
}

function stopCurrentRun() {
  if (currentRun) currentRun.stop();
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (value, digits) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a');
const sleep = (millis) =>
  new Promise((resolveSleep) => setTimeout(resolveSleep, Math.max(0, millis)));

module.exports = { cannon, stopCurrentRun, percentile, round, fmt, ms, sleep };
