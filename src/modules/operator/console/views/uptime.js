// Uptime, as Uptime Kuma users know it: per module the share of successful health checks over
// 24 h, 7 d and 30 d, a beat bar of the chosen range, p50/p95 response time, and a response-time
// chart with time axes. All figures come from the server (GET /operator/api/health/uptime).

import { store, subscribe } from '../state.js';
import { availabilityStrip, latencyChart } from '../svg.js';
import { $, emptyRow, fmtMs, fmtPct, fmtTime, h, replace, stateBadge, toastError } from '../ui.js';
import { loadUptime, RANGES } from '../uptime-data.js';

const RANGE_KEY = 'vx11.operator.uptime_range';
const RANGE_LABEL = { '24h': '24 h', '7d': '7 d', '30d': '30 d' };
const BUCKET_LABEL = (sec) => (sec >= 3600 ? `${sec / 3600}-h` : `${sec / 60}-min`);

let visible = false;
let range = readRange();
let data = {};
let loadedAt = null;
let failure = null;

function readRange() {
  try {
    const kept = localStorage.getItem(RANGE_KEY);
    return RANGES.includes(kept) ? kept : '24h';
  } catch {
    return '24h';
  }
}

export function initUptime() {
  for (const button of document.querySelectorAll('#uptime-range button')) {
    button.addEventListener('click', () => setRange(button.dataset.range));
  }
  // The state poll keeps the module states fresh; the figures follow the monitor's pace.
  subscribe(() => {
    if (visible) void load();
  });
  window.addEventListener('resize', () => {
    if (visible) render();
  });
  renderPicker();
}

export function setUptimeVisible(isVisible) {
  visible = isVisible;
  if (visible) {
    render();
    void load();
  }
}

function setRange(next) {
  if (!RANGES.includes(next) || next === range) return;
  range = next;
  try {
    localStorage.setItem(RANGE_KEY, range);
  } catch {
    // kept for this page only
  }
  renderPicker();
  render();
  void load();
}

async function load() {
  try {
    const answers = await Promise.all(RANGES.map((r) => loadUptime(r)));
    data = Object.fromEntries(RANGES.map((r, i) => [r, answers[i]]));
    loadedAt = Date.now();
    failure = null;
  } catch (err) {
    if (!failure) toastError('Could not load uptime', err);
    failure = err;
  }
  if (visible) render();
}

function renderPicker() {
  for (const button of document.querySelectorAll('#uptime-range button')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === range));
  }
  for (const th of document.querySelectorAll('#view-uptime th[data-range]')) {
    th.classList.toggle('chosen', th.dataset.range === range);
  }
  replace(
    $('#uptime-strip-head'),
    'Checks over ',
    h('span', { class: 'unit' }, RANGE_LABEL[range]),
    ', oldest → now',
  );
}

function pctCell(module, r) {
  const m = data[r]?.modules?.find((x) => x.module === module);
  const pct = m?.uptime_pct ?? null;
  const level = pct === null ? 'none' : pct >= 99.9 ? 'good' : pct >= 99 ? 'fair' : 'poor';
  return h(
    'td',
    {
      class: `pct ${level}${r === range ? ' chosen' : ''}`,
      title: m ? `${m.samples} checks, ${m.failures} failed` : '',
      dataset: { range: r, testid: `uptime-${r}` },
    },
    fmtPct(pct),
  );
}

function render() {
  renderPicker();
  const current = data[range];
  const body = $('#uptime-body');
  const meta = $('#uptime-meta');
  if (!current) {
    replace(
      body,
      emptyRow(9, failure ? `Could not load uptime — ${failure.message}` : 'Loading…', !!failure),
    );
    return;
  }
  const kept =
    current.history_days < { '24h': 1, '7d': 7, '30d': 30 }[range]
      ? ` · history kept ${current.history_days} d, so only its last ${current.history_days} d count`
      : '';
  meta.textContent = `${BUCKET_LABEL(current.bucket_sec)} buckets${kept} · updated ${fmtTime(new Date(loadedAt).toISOString())}`;
  $('#view-uptime').dataset.range = range;

  const states = new Map((store.powerStatus?.modules ?? []).map((m) => [m.name, m.state]));
  replace(
    body,
    current.modules.map((m) =>
      h(
        'tr',
        { dataset: { testid: 'uptime-row', module: m.module, samples: String(m.samples) } },
        h('td', { class: 'name nowrap' }, m.module),
        h('td', {}, states.has(m.module) ? stateBadge(states.get(m.module)) : ''),
        RANGES.map((r) => pctCell(m.module, r)),
        h(
          'td',
          { class: 'strip-cell' },
          availabilityStrip(m.buckets, {
            bucketSec: current.bucket_sec,
            label: `${m.module}: checks over ${RANGE_LABEL[range]}`,
          }),
        ),
        h(
          'td',
          { class: 'num nowrap' },
          m.samples ? `${m.samples.toLocaleString('en-US')}` : '—',
          m.failures ? h('span', { class: 'fails' }, ` · ${m.failures} failed`) : null,
        ),
        h('td', { class: 'num nowrap' }, fmtMs(m.latency_p50_ms)),
        h('td', { class: 'num nowrap' }, fmtMs(m.latency_p95_ms)),
      ),
    ),
  );
  renderCharts(current, states);
}

function renderCharts(current, states) {
  const box = $('#latency-charts');
  const checked = current.modules.filter((m) => m.samples > 0);
  const unchecked = current.modules.filter((m) => m.samples === 0);
  $('#latency-meta').textContent =
    `mean latency of the successful checks per ${BUCKET_LABEL(current.bucket_sec)} bucket · red: failed checks`;
  // two charts a row: the width of one column of the grid
  const width = Math.max(320, (box.clientWidth - 12) / 2 - 18);
  replace(
    box,
    checked.map((m) =>
      h(
        'figure',
        { class: 'chart-card', dataset: { testid: 'latency-chart', module: m.module } },
        h(
          'figcaption',
          {},
          h('span', { class: 'name' }, m.module),
          states.has(m.module) ? stateBadge(states.get(m.module)) : null,
          h(
            'span',
            { class: 'muted small' },
            `uptime ${fmtPct(m.uptime_pct)} · p50 ${fmtMs(m.latency_p50_ms)} · p95 ${fmtMs(m.latency_p95_ms)}`,
          ),
        ),
        latencyChart(m.buckets, {
          bucketSec: current.bucket_sec,
          from: current.from,
          to: current.to,
          retainedSince: current.retained_since,
          width,
          height: 136,
        }),
      ),
    ),
    checked.length === 0
      ? h('p', { class: 'muted' }, `No health checks in the last ${RANGE_LABEL[range]}.`)
      : null,
  );
  $('#latency-unchecked').textContent = unchecked.length
    ? `No checks in the last ${RANGE_LABEL[range]}: ${unchecked.map((m) => m.module).join(', ')} (dormant modules are not checked).`
    : '';
}
