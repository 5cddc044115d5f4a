// Inline SVG charts (no library): the health sparkline.

import { s } from './ui.js';

const W = 240;
const H = 34;
const PAD = 2;

/**
 * Latency of each check over time (line and area), failed checks as red marks along the
 * bottom. `rows`: [{checked_at, latency_ms, ok, detail}], oldest first.
 */
export function sparkline(rows, { label = 'health', empty = 'no checks yet' } = {}) {
  const svg = s('svg', {
    class: 'spark',
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': label,
  });
  if (rows.length === 0) {
    svg.append(s('text', { class: 'none', x: 4, y: H / 2 + 4 }, empty));
    return svg;
  }
  const times = rows.map((r) => Date.parse(r.checked_at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const maxLatency = Math.max(1, ...rows.map((r) => Number(r.latency_ms) || 0));
  const x = (t) => (t1 === t0 ? W / 2 : PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD));
  const y = (v) => H - PAD - 4 - ((Number(v) || 0) / maxLatency) * (H - 2 * PAD - 6);
  const points = rows.map((r, i) => [x(times[i]), y(r.latency_ms)]);
  // A single check: a flat line across, so it shows.
  if (points.length === 1) points.splice(0, 1, [PAD, points[0][1]], [W - PAD, points[0][1]]);
  const line = points.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`);
  const first = points[0];
  const last = points[points.length - 1];
  svg.append(
    s('path', {
      class: 'area',
      d: `${line.join('')}L${last[0].toFixed(1)},${H}L${first[0].toFixed(1)},${H}Z`,
    }),
    s('path', { class: 'line', d: line.join(''), 'vector-effect': 'non-scaling-stroke' }),
  );
  rows.forEach((r, i) => {
    if (r.ok) return;
    svg.append(
      s(
        'rect',
        { class: 'fail', x: (x(times[i]) - 1.5).toFixed(1), y: H - 6, width: 3, height: 6 },
        s('title', {}, `${r.checked_at}: ${r.detail ?? 'failed'}`),
      ),
    );
  });
  svg.append(s('title', {}, `${rows.length} checks, max ${Math.round(maxLatency)} ms`));
  return svg;
}
