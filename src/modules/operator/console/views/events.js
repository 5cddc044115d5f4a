// Live events: the recent page from GET /operator/api/events, then WS /ws with a short-lived
// feed token (POST /operator/api/events/sse-token). Newest first, capped, filtered by type.

import { ApiError, get, getToken, post } from '../api.js';
import { kvInline } from '../kv.js';
import { refresh, store } from '../state.js';
import {
  $,
  badge,
  copyable,
  emptyRow,
  fmtTime,
  fmtDateTime,
  h,
  replace,
  toast,
  toastError,
} from '../ui.js';

const MAX_EVENTS = 200;
const HISTORY_LIMIT = 100;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30000;
const TYPE_TERM = /^(\*|[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
/** Events that change what the modules view shows: refresh it at once. */
const STATE_EVENTS = /^(module\.state\.changed|window\.(opened|closed)|policy\.)/;

let events = [];
const seen = new Set();
let filter = [];
let paused = false;
let socket = null;
let retryMs = RECONNECT_MIN_MS;
let retryTimer = null;
let wanted = false;
let unseen = 0;
let visible = false;
let onIncidentEvent = () => undefined;

export function initEvents({ onIncident } = {}) {
  if (onIncident) onIncidentEvent = onIncident;
  $('#events-filter-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void applyFilter($('#events-filter').value, true);
  });
  $('#events-pause').addEventListener('click', (event) => {
    paused = !paused;
    event.currentTarget.setAttribute('aria-pressed', String(paused));
    event.currentTarget.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) render();
  });
  $('#events-clear').addEventListener('click', () => {
    events = [];
    seen.clear();
    render();
  });
}

export function focusEventFilter() {
  $('#events-filter').focus();
}

export function setEventsVisible(isVisible) {
  visible = isVisible;
  if (visible) {
    unseen = 0;
    renderUnseen();
  }
}

/** Starts the feed (after the token is accepted); the filter comes from the saved settings. */
export async function startEvents() {
  wanted = true;
  const saved = store.settings?.event_types ?? [];
  $('#events-filter').value = saved.join(', ');
  await applyFilter(saved.join(','), false);
  connect();
}

export function stopEvents() {
  wanted = false;
  clearTimeout(retryTimer);
  if (socket) socket.close(1000, 'console stopped');
  socket = null;
  setLive('off', 'events offline');
}

function parseFilter(text) {
  const terms = String(text)
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const bad = terms.filter((t) => !TYPE_TERM.test(t));
  return { terms: terms.includes('*') ? [] : [...new Set(terms)], bad };
}

function matches(event) {
  if (filter.length === 0) return true;
  return filter.some((term) =>
    term.endsWith('.*') ? event.type.startsWith(term.slice(0, -1)) : event.type === term,
  );
}

async function applyFilter(text, save) {
  const { terms, bad } = parseFilter(text);
  if (bad.length > 0) {
    toast(`Not event types: ${bad.join(', ')}`, 'warn', 'use a.b, a.* or *');
    return;
  }
  filter = terms;
  sendSubscription();
  await loadHistory();
  if (save) {
    try {
      await post('/operator/api/settings', { event_types: terms });
      toast(terms.length ? `Showing ${terms.join(', ')}` : 'Showing every event type', 'ok');
    } catch (err) {
      toastError('Filter applied, but not saved', err);
    }
  }
}

async function loadHistory() {
  const query = new URLSearchParams({ limit: String(HISTORY_LIMIT) });
  if (filter.length > 0) query.set('type', filter.join(','));
  try {
    const page = await get(`/operator/api/events?${query}`);
    // All of the page, seen or not: a filter change hid some that must come back now.
    const listed = page.events ?? [];
    for (const e of listed) seen.add(e.event_id);
    events = mergeNewestFirst(events.filter(matches), listed);
    render();
  } catch (err) {
    replace($('#events-body'), emptyRow(6, `Could not load events — ${err.message}`, true));
    toastError('Could not load events', err);
  }
}

function mergeNewestFirst(a, b) {
  const byId = new Map([...a, ...b].map((e) => [e.event_id, e]));
  return [...byId.values()]
    .sort((x, y) => (y.id ?? 0) - (x.id ?? 0) || y.timestamp.localeCompare(x.timestamp))
    .slice(0, MAX_EVENTS);
}

// ---- WebSocket ------------------------------------------------------------------------------

async function feedToken() {
  try {
    const issued = await post('/operator/api/events/sse-token');
    return issued.token;
  } catch (err) {
    if (err instanceof ApiError && err.isAuth) throw err;
    // Without the short-lived token route, the operator token itself opens the feed.
    return getToken();
  }
}

async function connect() {
  clearTimeout(retryTimer);
  if (!wanted) return;
  setLive('connecting', 'events connecting…');
  let token;
  try {
    token = await feedToken();
  } catch (err) {
    setLive('error', 'events: token refused');
    if (!err.isAuth) scheduleReconnect();
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const ws = new WebSocket(`${scheme}://${location.host}/ws${query}`);
  socket = ws;
  let opened = false;
  ws.addEventListener('open', () => {
    opened = true;
    retryMs = RECONNECT_MIN_MS;
  });
  ws.addEventListener('message', (message) => onFrame(ws, message.data));
  ws.addEventListener('close', (closeEvent) => {
    if (socket !== ws) return;
    socket = null;
    if (!wanted) return;
    const why = opened ? `closed (${closeEvent.code})` : 'could not connect';
    setLive('error', `events ${why}; retrying`);
    if (opened) toast(`Live events ${why}; reconnecting`, 'warn');
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => void connect(), retryMs);
  retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
}

function sendSubscription() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  socket.send(JSON.stringify({ action: 'unsubscribe', types: ['*'] }));
  socket.send(JSON.stringify({ action: 'subscribe', types: filter.length ? filter : ['*'] }));
}

function onFrame(ws, data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return;
  }
  if (frame.channel === 'control') {
    if (frame.type === 'connected') {
      setLive('live', 'events live');
      sendSubscription();
      // Whatever happened while we were away is in the listing.
      void loadHistory();
    } else if (frame.type === 'error') {
      toast(`Event feed: ${frame.message}`, 'warn', frame.error);
    }
    return;
  }
  if (frame.channel === 'events' && Array.isArray(frame.events)) {
    onEvents(frame.events);
  }
}

function onEvents(batch) {
  const fresh = batch.filter((e) => !seen.has(e.event_id));
  if (fresh.length === 0) return;
  for (const e of fresh) seen.add(e.event_id);
  if (fresh.some((e) => STATE_EVENTS.test(e.type))) void refresh();
  if (fresh.some((e) => e.type.startsWith('incident.'))) onIncidentEvent();
  const shown = fresh.filter(matches);
  if (shown.length === 0) return;
  events = mergeNewestFirst(events, shown);
  if (seen.size > MAX_EVENTS * 10) {
    seen.clear();
    for (const e of events) seen.add(e.event_id);
  }
  if (!visible) {
    unseen += shown.length;
    renderUnseen();
  }
  if (!paused) render(new Set(shown.map((e) => e.event_id)));
}

// ---- rendering ------------------------------------------------------------------------------

function setLive(state, text) {
  const el = $('#live');
  el.dataset.state = state;
  el.textContent = text;
}

function renderUnseen() {
  const count = $('#tab-events-count');
  count.hidden = unseen === 0;
  count.textContent = unseen > 99 ? '99+' : String(unseen);
}

function render(freshIds = new Set()) {
  const body = $('#events-body');
  const types = new Set(events.map((e) => e.type));
  replace(
    $('#event-types'),
    [...types].sort().map((t) => h('option', { value: t })),
  );
  $('#events-meta').textContent =
    `${events.length} shown (newest first, at most ${MAX_EVENTS})${paused ? ' · paused' : ''}`;
  if (events.length === 0) {
    replace(body, emptyRow(6, filter.length ? 'No events of these types yet' : 'No events yet'));
    return;
  }
  replace(
    body,
    events.map((e) =>
      h(
        'tr',
        {
          class: freshIds.has(e.event_id) ? 'fresh' : '',
          dataset: { testid: 'event-row', type: e.type, eventId: e.event_id },
        },
        h('td', { class: 'mono nowrap', title: fmtDateTime(e.timestamp) }, fmtTime(e.timestamp)),
        h('td', { class: 'mono type' }, e.type),
        h('td', {}, badge(e.severity, `sev-${e.severity}`)),
        h('td', { class: 'muted' }, e.source),
        h('td', { class: 'payload' }, kvInline(e.payload ?? {})),
        h('td', {}, e.correlation_id ? copyable(e.correlation_id) : ''),
      ),
    ),
  );
}
