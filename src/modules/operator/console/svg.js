// Inline SVG charts (no library): the uptime beat bar and the response-time chart with time axes.

import { s } from './ui.js';

// ---- uptime charts ----------------------------------------------------------------------------

const DAY_MS = 24 * 3600 * 1000;
const pad2 = (n) => String(n).padStart(2, '0');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const HOUR_MS = 3600 * 1000;
const clock = (d) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
const weekday = (d) => `${WEEKDAYS[d.getDay()]} ${d.getDate()}`;
const monthDay = (d) => `${MONTHS[d.getMonth()]} ${d.getDate()}`;
/** Clock times, and the day's name at midnight (where the date changes). */
const clockOrDay = (d) => (d.getHours() === 0 && d.getMinutes() === 0 ? weekday(d) : clock(d));

/**
 * Tick spacing for a span of time: about six to ten ticks, labelled as clock times (the day's
 * name at midnight) up to a few days and as dates above that (24 h: every 3 h; 7 d: every day;
 * 30 d: every 5 days).
 */
const TICK_STEPS = [
  { upTo: 2 * HOUR_MS, stepMs: 15 * 60 * 1000, label: clock },
  { upTo: 6 * HOUR_MS, stepMs: HOUR_MS, label: clockOrDay },
  { upTo: 12 * HOUR_MS, stepMs: 2 * HOUR_MS, label: clockOrDay },
  { upTo: 36 * HOUR_MS, stepMs: 3 * HOUR_MS, label: clockOrDay },
  { upTo: 4 * DAY_MS, stepMs: 12 * HOUR_MS, label: clockOrDay },
  { upTo: 10 * DAY_MS, stepMs: DAY_MS, label: weekday },
  { upTo: Infinity, stepMs: 5 * DAY_MS, label: monthDay },
];

function tickStep(spanMs) {
  return TICK_STEPS.find((s) => spanMs <= s.upTo);
}

/**
 * Tick times between `from` and `to`, on local boundaries (whole hours, quarter hours, local
 * midnights), so the labels read as clock times and dates.
 */
export function timeTicks(fromMs, toMs) {
  const { stepMs } = tickStep(toMs - fromMs);
  const start = new Date(fromMs);
  if (stepMs < HOUR_MS) {
    const minutes = stepMs / 60000;
    start.setSeconds(0, 0);
    start.setMinutes(Math.ceil(start.getMinutes() / minutes) * minutes);
  } else if (stepMs < DAY_MS) {
    start.setMinutes(0, 0, 0);
    const hours = stepMs / HOUR_MS;
    start.setHours(Math.ceil(start.getHours() / hours) * hours);
  } else {
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() + 1);
  }
  const ticks = [];
  const days = stepMs / DAY_MS;
  for (let t = start; t.getTime() <= toMs;) {
    if (t.getTime() >= fromMs) ticks.push(t.getTime());
    t = new Date(t);
    // by calendar date, not by ms: a DST day has 23 or 25 hours
    if (stepMs < DAY_MS) t.setTime(t.getTime() + stepMs);
    else t.setDate(t.getDate() + days);
  }
  return ticks;
}

/** 1, 2, 5 × 10^k at or above `value`. */
function niceCeil(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

function fmtLatency(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s`;
  return ms < 10 && !Number.isInteger(ms) ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function bucketTitle(bucket, bucketMs) {
  const from = new Date(bucket.t);
  const to = new Date(from.getTime() + bucketMs);
  const day = `${MONTHS[from.getMonth()]} ${from.getDate()}`;
  const span = `${day} ${pad2(from.getHours())}:${pad2(from.getMinutes())}–${pad2(to.getHours())}:${pad2(to.getMinutes())}`;
  if (bucket.ok + bucket.fail === 0) return `${span}: no checks`;
  const latency =
    bucket.avg_latency_ms === null ? '' : ` · avg ${fmtLatency(bucket.avg_latency_ms)}`;
  return `${span}: ${bucket.ok} ok · ${bucket.fail} failed${latency}`;
}

/** A bucket's colour class: no checks, all ok, some failed, all failed. */
function bucketClass(bucket) {
  if (bucket.ok + bucket.fail === 0) return 'b-none';
  if (bucket.fail === 0) return 'b-ok';
  return bucket.ok === 0 ? 'b-down' : 'b-mixed';
}

/**
 * Uptime Kuma's beat bar: one bar per bucket, oldest left, coloured by its checks (tooltip per
 * bar). Scales to its box; it has no text.
 */
export function availabilityStrip(buckets, { bucketSec, label = 'availability' } = {}) {
  const n = Math.max(buckets.length, 1);
  const width = n * 4;
  const svg = s('svg', {
    class: 'strip',
    viewBox: `0 0 ${width} 20`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': label,
  });
  buckets.forEach((bucket, i) => {
    svg.append(
      s(
        'rect',
        { class: bucketClass(bucket), x: i * 4 + 0.5, y: 0, width: 3, height: 20, rx: 0.8 },
        s('title', {}, bucketTitle(bucket, bucketSec * 1000)),
      ),
    );
  });
  return svg;
}

/**
 * Response time over the range: the mean latency of each bucket's successful checks as a line
 * (broken where a bucket has none), failed checks as red marks along the time axis, the part of
 * the range older than the kept history greyed. Axes: local time below, latency on the left.
 */
export function latencyChart(buckets, { bucketSec, from, to, retainedSince, width, height = 150 }) {
  const W = Math.max(320, Math.round(width));
  const H = Math.max(100, Math.round(height));
  const M = { left: 50, right: 12, top: 10, bottom: 22 };
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const bucketMs = bucketSec * 1000;
  const x = (ms) => M.left + ((ms - fromMs) / (toMs - fromMs)) * plotW;
  const clampX = (ms) => Math.min(M.left + plotW, Math.max(M.left, x(ms)));
  const latencies = buckets.map((b) => b.avg_latency_ms).filter((v) => v !== null);
  const top = niceCeil(Math.max(...latencies, 0) * 1.1);
  const y = (ms) => M.top + plotH - (ms / top) * plotH;

  const svg = s('svg', {
    class: 'chart',
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': 'response time',
  });
  // the range before the oldest kept check: nothing can be known there
  const kept = retainedSince ? Date.parse(retainedSince) : fromMs;
  if (kept > fromMs) {
    const edge = clampX(kept);
    svg.append(
      s('rect', { class: 'unkept', x: M.left, y: M.top, width: edge - M.left, height: plotH }),
      s(
        'text',
        {
          class: 'unkept-label',
          x: (M.left + edge) / 2,
          y: M.top + plotH / 2,
          'text-anchor': 'middle',
        },
        'not kept',
      ),
    );
  }
  // grid and axes
  for (const v of [0, top / 2, top]) {
    svg.append(
      s('line', {
        class: v === 0 ? 'axis' : 'grid',
        x1: M.left,
        x2: M.left + plotW,
        y1: y(v),
        y2: y(v),
      }),
      s(
        'text',
        { class: 'tick', x: M.left - 6, y: y(v) + 3.5, 'text-anchor': 'end' },
        fmtLatency(v),
      ),
    );
  }
  const ticks = timeTicks(fromMs, toMs);
  const { label } = tickStep(toMs - fromMs);
  for (const t of ticks) {
    const px = x(t);
    svg.append(
      s('line', { class: 'grid', x1: px, x2: px, y1: M.top, y2: M.top + plotH }),
      s('line', { class: 'axis', x1: px, x2: px, y1: M.top + plotH, y2: M.top + plotH + 4 }),
      s(
        'text',
        { class: 'tick', x: px, y: H - 6, 'text-anchor': 'middle', 'data-tick': String(t) },
        label(new Date(t)),
      ),
    );
  }
  // failed checks: a red mark under the bucket, and a faint band over it
  for (const b of buckets) {
    if (b.fail === 0) continue;
    const x0 = clampX(Date.parse(b.t));
    const x1 = clampX(Date.parse(b.t) + bucketMs);
    svg.append(
      s('rect', {
        class: 'fail-band',
        x: x0,
        y: M.top,
        width: Math.max(1, x1 - x0),
        height: plotH,
      }),
      s('rect', {
        class: 'fail-mark',
        x: x0,
        y: M.top + plotH - 4,
        width: Math.max(2, x1 - x0),
        height: 4,
      }),
    );
  }
  // the line, broken where a bucket had no successful check
  const mid = (b) => clampX(Date.parse(b.t) + bucketMs / 2);
  let d = '';
  let run = [];
  const flush = () => {
    if (run.length === 1) {
      svg.append(s('circle', { class: 'dot', cx: run[0][0], cy: run[0][1], r: 2 }));
    } else if (run.length > 1) {
      d += run.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
    }
    run = [];
  };
  // a gap in time (e.g. days a module was dormant) breaks the line too
  let previous = null;
  for (const b of buckets) {
    const t = Date.parse(b.t);
    if (previous !== null && t - previous > 2.5 * bucketMs) flush();
    previous = t;
    if (b.avg_latency_ms === null) flush();
    else run.push([mid(b), y(b.avg_latency_ms)]);
  }
  flush();
  if (d) svg.append(s('path', { class: 'latency', d }));
  // one invisible hover target per bucket, for its tooltip
  for (const b of buckets) {
    const x0 = clampX(Date.parse(b.t));
    const x1 = clampX(Date.parse(b.t) + bucketMs);
    if (x1 - x0 <= 0) continue;
    svg.append(
      s(
        'rect',
        { class: 'hover', x: x0, y: M.top, width: x1 - x0, height: plotH },
        s('title', {}, bucketTitle(b, bucketMs)),
      ),
    );
  }
  return svg;
}
