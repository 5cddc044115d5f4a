// Incidents (acknowledge, resolve) and the recent checks of each module, charted with time axes.

import { get, post } from '../api.js';
import { store, subscribe } from '../state.js';
import { latencyChart } from '../svg.js';
import {
  $,
  badge,
  busy,
  emptyRow,
  fmtAgo,
  fmtDateTime,
  fmtMs,
  h,
  replace,
  stateBadge,
  toast,
  toastError,
} from '../ui.js';

export const INCIDENTS_PATH = '/operator/api/incidents';
export const HEALTH_HISTORY_PATH = '/operator/api/health/history';
const LIST_LIMIT = 200;
/** S1–S4 (incident-severity.ts on the server) drawn with the event-severity colours. */
const LEVEL_CLASS = { S1: 'critical', S2: 'error', S3: 'warning', S4: 'info' };
const LEVEL_TITLE = {
  S1: 'S1 critical: data loss or ledger broken',
  S2: 'S2 high: core module down',
  S3: 'S3 medium: optional module failing or chat degraded',
  S4: 'S4 low: metrics or logs problem',
};

function levelBadge(level) {
  const el = badge(level, `sev-${LEVEL_CLASS[level] ?? 'info'}`);
  el.title = LEVEL_TITLE[level] ?? level;
  el.dataset.testid = 'incident-level';
  return el;
}

let visible = false;
let history = null;
let historyError = null;

export function initIncidents() {
  $('#incidents-status').addEventListener('change', () => void loadIncidents());
  window.addEventListener('resize', () => {
    if (visible) renderHealth();
  });
  $('#health-limit').addEventListener('change', () => void loadHistory());
  subscribe(() => {
    if (visible) renderHealth();
  });
}

export function setIncidentsVisible(isVisible) {
  visible = isVisible;
  if (visible) void Promise.all([loadIncidents(), loadHistory()]);
}

/** Polled with the state (for the tab's open count) and on incident events. */
export async function refreshIncidents() {
  await loadIncidents();
  if (visible) await loadHistory();
}

const listOf = (body, ...keys) => {
  if (Array.isArray(body)) return body;
  for (const key of keys) if (Array.isArray(body?.[key])) return body[key];
  return [];
};

/** One status, or `active` (open and acknowledged: two requests, merged newest first). */
async function fetchIncidents(choice) {
  const page = async (status) => {
    const query = new URLSearchParams({ limit: String(LIST_LIMIT) });
    if (status) query.set('status', status);
    return listOf(await get(`${INCIDENTS_PATH}?${query}`), 'incidents');
  };
  if (choice !== 'active') return page(choice);
  const [open, acknowledged] = await Promise.all([page('open'), page('acknowledged')]);
  return [...open, ...acknowledged].sort((a, b) => b.last_seen_at.localeCompare(a.last_seen_at));
}

async function loadIncidents() {
  const choice = $('#incidents-status').value;
  try {
    const incidents = await fetchIncidents(choice);
    renderIncidents(incidents);
    const open =
      choice === 'open' || choice === 'active'
        ? incidents.filter((i) => i.status === 'open').length
        : (await fetchIncidents('open')).length;
    const count = $('#tab-incidents-count');
    count.hidden = open === 0;
    count.textContent = String(open);
  } catch (err) {
    replace(
      $('#incidents-body'),
      emptyRow(8, `Could not load incidents — ${err.status ?? ''} ${err.message}`, true),
    );
    $('#incidents-meta').textContent = '';
    if (visible) toastError('Could not load incidents', err);
  }
}

function renderIncidents(incidents) {
  const body = $('#incidents-body');
  $('#incidents-meta').textContent = `${incidents.length} shown`;
  if (incidents.length === 0) {
    replace(body, emptyRow(8, 'No incidents — all quiet'));
    return;
  }
  replace(
    body,
    incidents.map((incident) => {
      const actions = h('td', { class: 'actions' });
      if (incident.status === 'open') {
        actions.append(
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              dataset: { testid: 'incident-ack' },
              onclick: (e) => act(e.currentTarget, incident, 'ack'),
            },
            'Acknowledge',
          ),
          ' ',
        );
      }
      actions.append(
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            title: 'Download the post-mortem (Markdown)',
            dataset: { testid: 'incident-postmortem' },
            onclick: (e) => downloadPostmortem(e.currentTarget, incident),
          },
          'Post-mortem',
        ),
        ' ',
      );
      if (incident.status !== 'resolved') {
        actions.append(
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              dataset: { testid: 'incident-resolve' },
              onclick: (e) => act(e.currentTarget, incident, 'resolve'),
            },
            'Resolve',
          ),
        );
      }
      return h(
        'tr',
        { dataset: { testid: 'incident-row', incidentId: incident.id, status: incident.status } },
        h(
          'td',
          {},
          incident.severity_level ? levelBadge(incident.severity_level) : null,
          ' ',
          badge(incident.severity, `sev-${incident.severity}`),
        ),
        h(
          'td',
          {},
          h('div', { class: 'name' }, incident.title),
          incident.detail ? h('div', { class: 'muted small' }, incident.detail) : null,
        ),
        h('td', { class: 'muted' }, incident.source),
        h('td', {}, String(incident.count ?? 1)),
        h(
          'td',
          { class: 'muted small', title: fmtDateTime(incident.first_seen_at) },
          fmtAgo(incident.first_seen_at),
        ),
        h(
          'td',
          { class: 'muted small', title: fmtDateTime(incident.last_seen_at) },
          fmtAgo(incident.last_seen_at),
        ),
        h(
          'td',
          {},
          h(
            'span',
            { class: `badge status-${incident.status}`, dataset: { testid: 'incident-status' } },
            incident.status,
          ),
        ),
        actions,
      );
    }),
  );
}

/** The post-mortem of one incident, rendered by the server, saved as a Markdown file. */
async function downloadPostmortem(button, incident) {
  await busy(button, async () => {
    try {
      const markdown = await get(`${INCIDENTS_PATH}/${encodeURIComponent(incident.id)}/postmortem`);
      const url = URL.createObjectURL(
        new window.Blob([String(markdown)], { type: 'text/markdown;charset=utf-8' }),
      );
      const link = h('a', { href: url, download: `postmortem-${incident.id}.md`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast(`Post-mortem downloaded: ${incident.title}`, 'ok', incident.id);
    } catch (err) {
      toastError('Could not render the post-mortem', err);
    }
  });
}

async function act(button, incident, action) {
  await busy(button, async () => {
    try {
      await post(`${INCIDENTS_PATH}/${encodeURIComponent(incident.id)}/${action}`);
      toast(
        `${action === 'ack' ? 'Acknowledged' : 'Resolved'}: ${incident.title}`,
        'ok',
        incident.id,
      );
    } catch (err) {
      toastError(`Could not ${action === 'ack' ? 'acknowledge' : 'resolve'} the incident`, err);
    }
  });
  await loadIncidents();
}

// ---- health history -------------------------------------------------------------------------

/** The latest checks of each module (GET /operator/api/health/history answers newest first). */
async function loadHistory() {
  const limit = $('#health-limit').value;
  const names = (store.powerStatus?.modules ?? []).map((m) => m.name);
  try {
    const pages = await Promise.all(
      names.map(async (module) => {
        const query = new URLSearchParams({ module, limit });
        const body = await get(`${HEALTH_HISTORY_PATH}?${query}`);
        const rows = listOf(body, 'items');
        rows.sort((a, b) => a.checked_at.localeCompare(b.checked_at));
        return [module, rows];
      }),
    );
    history = new Map(pages);
    historyError = null;
  } catch (err) {
    historyError = err;
    toastError('Could not load the health history', err);
  }
  renderHealth();
}

function renderHealth() {
  const grid = $('#health-grid');
  if (historyError) {
    replace(
      grid,
      h(
        'p',
        { class: 'inline-error' },
        `Could not load the health history — ${historyError.status ?? ''} ${historyError.message}`,
      ),
    );
    return;
  }
  if (!history) {
    replace(grid, h('p', { class: 'muted' }, 'Loading…'));
    return;
  }
  const states = new Map((store.powerStatus?.modules ?? []).map((m) => [m.name, m.state]));
  // A card per module with checks; the ones never checked (dormant) share one line.
  const names = [...history.keys()].filter((name) => history.get(name).length > 0);
  const unchecked = [...history.keys()].filter((name) => history.get(name).length === 0);
  $('#health-unchecked').textContent = unchecked.length
    ? `Not checked (dormant): ${unchecked.join(', ')}.`
    : '';
  // few modules: wide cards in two columns; many: up to four a row. The charts share the
  // height left on the screen.
  const columns = names.length <= 4 ? 2 : names.length <= 9 ? 3 : 4;
  grid.dataset.columns = String(columns);
  const rowsOfCards = Math.max(1, Math.ceil(names.length / columns));
  const room = window.innerHeight - grid.getBoundingClientRect().top - 48;
  const height = Math.min(240, Math.max(120, room / rowsOfCards - 64));
  const width = Math.max(320, (grid.clientWidth - 8 * (columns - 1)) / columns - 18);
  replace(
    grid,
    names.length === 0 ? h('p', { class: 'muted' }, 'No checks yet.') : null,
    names.map((name) => {
      const rows = history.get(name) ?? [];
      const failures = rows.filter((r) => !r.ok).length;
      const last = rows[rows.length - 1];
      const latencies = rows.filter((r) => r.ok).map((r) => Number(r.latency_ms) || 0);
      const avg = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null;
      const uptime = rows.length
        ? `${(((rows.length - failures) / rows.length) * 100).toFixed(1)} %`
        : '—';
      return h(
        'div',
        { class: 'health-cell', dataset: { testid: 'health-cell', module: name } },
        h(
          'div',
          { class: 'head' },
          h('span', { class: 'name' }, name),
          states.has(name) ? stateBadge(states.get(name)) : null,
          h(
            'span',
            { class: 'muted small stats' },
            `${rows.length} checks · ${failures} failed · ok ${uptime} · avg ${fmtMs(avg)}`,
          ),
        ),
        checksChart(rows, width, height),
        last && !last.ok ? h('div', { class: 'small inline-error' }, `last: ${last.detail}`) : null,
      );
    }),
  );
}

/** Each check as a point of the response-time chart: its latency, or a red mark if it failed. */
function checksChart(rows, width, height) {
  const times = rows.map((r) => Date.parse(r.checked_at));
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .sort((a, b) => a - b);
  // the monitor's interval, as the checks show it
  const intervalMs = Math.max(1000, gaps.length ? gaps[Math.floor(gaps.length / 2)] : 60000);
  const checks = rows.map((r, i) => ({
    t: new Date(times[i] - intervalMs / 2).toISOString(),
    ok: r.ok ? 1 : 0,
    fail: r.ok ? 0 : 1,
    avg_latency_ms: r.ok ? Number(r.latency_ms) : null,
  }));
  return latencyChart(checks, {
    bucketSec: intervalMs / 1000,
    from: new Date(times[0] - intervalMs / 2).toISOString(),
    to: new Date(times[times.length - 1] + intervalMs / 2).toISOString(),
    width,
    height,
  });
}
