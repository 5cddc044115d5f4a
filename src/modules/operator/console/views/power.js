// Modules & power: the module table (with 24-h uptime), recent power activity, the open window
// with its live countdown, waking a module for a TTL, closing the window, applying a policy.
// Also keeps the header's status in step.

import { get, post } from '../api.js';
import { moduleRows, refresh, store, subscribe, windowRemainingSec } from '../state.js';
import { availabilityStrip } from '../svg.js';
import {
  $,
  badge,
  busy,
  emptyRow,
  fmtAgo,
  fmtCountdown,
  fmtDateTime,
  fmtDuration,
  fmtPct,
  fmtTime,
  h,
  replace,
  stateBadge,
  toast,
  toastError,
} from '../ui.js';
import { cachedUptime, loadUptime } from '../uptime-data.js';

const ACTIVITY_TYPES = 'module.state.changed,window.opened,window.closed';
const ACTIVITY_LIMIT = 40;

const LOW_SECONDS = 30;
const EXPIRY_RECHECK_MS = 2000;
let expiryCheckedAt = 0;

export function initPower() {
  $('#wake-form').addEventListener('submit', onWake);
  $('#window-close').addEventListener('click', onClose);
  $('#policy-form').addEventListener('submit', onApplyPolicy);
  $('#policy-select').addEventListener('change', renderPolicyMembers);
  subscribe(render);
  subscribe(() => {
    if (!visible) return;
    void loadActivity();
    void loadUptime('24h').then(renderModules, () => undefined);
  });
  setInterval(tick, 1000);
}

let visible = false;

export function setModulesVisible(isVisible) {
  visible = isVisible;
  if (!visible) return;
  void loadActivity();
  void loadUptime('24h').then(renderModules, () => undefined);
}

/** Focuses the wake form (shortcut `w`). */
export function focusWake() {
  $('#wake-module').focus();
}

function render() {
  renderHeader();
  renderModules();
  renderWakeForm();
  renderPolicy();
  renderWindow();
}

// ---- header ---------------------------------------------------------------------------------

function renderHeader() {
  const status = store.status;
  if (!status) return;
  const pill = $('#sys-status');
  pill.textContent = status.status;
  pill.className = `pill ${status.status}`;
  pill.title = status.degraded
    ? 'Chat is degraded: switch is not answering (dormant, or Redis down)'
    : 'All core services up';
  // The mode repeats the policy's name unless a window (or a partial policy) changes it.
  const mode = status.mode ?? store.power?.mode ?? '';
  const policy = store.power?.policy ?? status.policy;
  $('#sys-mode').textContent = mode;
  $('#sys-mode-kv').hidden = !mode || mode === policy;
  $('#sys-policy').textContent = policy;
  const last = store.lastRefresh ? fmtTime(new Date(store.lastRefresh).toISOString()) : '';
  $('#last-refresh').textContent = last ? `updated ${last}` : '';
}

// ---- modules table --------------------------------------------------------------------------

function healthCell(row) {
  if (row.state !== 'active') {
    if (!row.lastError)
      return h('td', { class: 'muted' }, row.state === 'off' ? 'not checked' : '—');
    return h(
      'td',
      { class: 'health' },
      badge('error', 'bad'),
      ' ',
      h('span', { class: 'small' }, row.lastError),
    );
  }
  if (!row.health) return h('td', { class: 'muted' }, '…');
  const latency = row.health.latency_ms;
  return h(
    'td',
    { class: 'health' },
    badge(row.health.ok ? 'ok' : 'failing', row.health.ok ? 'ok' : 'bad'),
    ' ',
    h('span', { class: 'muted small' }, row.health.detail ?? ''),
    latency !== undefined ? h('span', { class: 'muted small nowrap' }, ` · ${latency} ms`) : null,
  );
}

/** 24-h uptime and its beat bar, from the server's figures (health history). */
function uptimeCell(name) {
  const day = cachedUptime('24h');
  const m = day?.modules?.find((x) => x.module === name);
  if (!m) return h('td', { class: 'muted' }, day ? '—' : '…');
  if (m.samples === 0) return h('td', { class: 'muted small' }, 'no checks in 24 h');
  return h(
    'td',
    { title: `${m.samples} checks, ${m.failures} failed` },
    h(
      'div',
      { class: 'uptime-cell' },
      h(
        'a',
        {
          href: '#uptime',
          class: `pct ${m.uptime_pct >= 99.9 ? 'good' : m.uptime_pct >= 99 ? 'fair' : 'poor'}`,
          dataset: { testid: 'module-uptime' },
        },
        fmtPct(m.uptime_pct),
      ),
      availabilityStrip(m.buckets.slice(-48), {
        bucketSec: day.bucket_sec,
        label: `${name}: last 12 h of checks`,
      }),
    ),
  );
}

function renderModules() {
  const rows = moduleRows();
  const body = $('#modules-body');
  if (rows.length === 0) {
    replace(body, emptyRow(6, store.refreshError ? 'Could not load the modules' : 'Loading…'));
    return;
  }
  replace(
    body,
    rows.map((row) =>
      h(
        'tr',
        { dataset: { module: row.name, state: row.state, testid: `module-${row.name}` } },
        h(
          'td',
          { class: 'nowrap' },
          h('div', { class: 'name' }, row.name),
          h('div', { class: 'muted small' }, row.category),
        ),
        h('td', { class: 'role' }, row.role),
        h(
          'td',
          { title: row.lastError ?? '' },
          h(
            'div',
            { class: 'state-cell' },
            stateBadge(row.state),
            row.inWindow
              ? h('span', { class: 'badge source', dataset: { testid: 'in-window' } }, 'in window')
              : null,
          ),
        ),
        h(
          'td',
          { class: 'muted small nowrap', title: row.since ? fmtDateTime(row.since) : '' },
          row.since ? fmtAgo(row.since) : '—',
        ),
        healthCell(row),
        uptimeCell(row.name),
      ),
    ),
  );
  const up = rows.filter((r) => r.state === 'active').length;
  $('#modules-counts').textContent = `${up}/${rows.length} active`;
}

// ---- power activity -------------------------------------------------------------------------

let activityKey = '';

/** "window 06608bdb-…" → "window": the id is the open window's (its card shows it). */
function reasonSummary(reason) {
  return String(reason ?? '')
    .replace(/\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '')
    .trim();
}

/** One line per state change or window, from the events ledger. */
function activityLine(event) {
  const p = event.payload ?? {};
  if (event.type === 'module.state.changed') {
    return [
      h('b', {}, p.module),
      ' ',
      stateBadge(p.from),
      ' → ',
      stateBadge(p.to),
      h('span', { class: 'muted', title: p.reason ?? '' }, ` ${reasonSummary(p.reason)}`),
      p.error ? h('div', { class: 'inline-error small' }, p.error) : null,
    ];
  }
  const services = (p.services ?? []).join(', ') || '—';
  if (event.type === 'window.opened') {
    const how = p.ttl_sec ? `for ${fmtDuration(p.ttl_sec)}` : 'until closed';
    return [h('b', {}, 'window opened'), ` ${services} ${how}`];
  }
  const after = p.duration_sec !== undefined ? ` after ${fmtDuration(p.duration_sec)}` : '';
  return [
    h('b', {}, 'window closed'),
    ` ${services}${after}`,
    h('span', { class: 'muted' }, p.reason ? ` (${p.reason})` : ''),
  ];
}

async function loadActivity() {
  const list = $('#power-activity');
  try {
    const query = new URLSearchParams({ type: ACTIVITY_TYPES, limit: String(ACTIVITY_LIMIT) });
    const page = await get(`/operator/api/events?${query}`);
    const events = page.events ?? [];
    const key = events.map((e) => e.event_id).join();
    if (key === activityKey) return;
    activityKey = key;
    if (events.length === 0) {
      replace(list, h('li', { class: 'muted' }, 'No power activity yet.'));
      return;
    }
    replace(
      list,
      events.map((e) =>
        h(
          'li',
          { dataset: { type: e.type } },
          h('span', { class: 'when mono', title: fmtDateTime(e.timestamp) }, fmtTime(e.timestamp)),
          h('span', { class: 'what' }, activityLine(e)),
        ),
      ),
    );
  } catch (err) {
    activityKey = '';
    replace(list, h('li', { class: 'inline-error' }, `Could not load activity — ${err.message}`));
  }
}

// ---- window ---------------------------------------------------------------------------------

function renderWakeForm() {
  const select = $('#wake-module');
  const allowlist = store.services?.allowlist ?? [];
  if (select.options.length !== allowlist.length) {
    const chosen = select.value;
    replace(
      select,
      allowlist.map((name) => h('option', { value: name }, name)),
    );
    if (allowlist.includes(chosen)) select.value = chosen;
  }
  for (const option of select.options) {
    const state = store.modules?.modules?.find((m) => m.name === option.value)?.state;
    option.textContent = state ? `${option.value} (${state})` : option.value;
  }
  const ttl = $('#wake-ttl');
  const max = store.services?.max_ttl_sec;
  if (max) ttl.max = String(max);
  if (!ttl.value && store.settings) ttl.value = String(store.settings.default_window_ttl_sec);
  $('#wake-hint').textContent = store.power?.window_id
    ? 'one window at a time: close this one to wake another'
    : max
      ? `TTL 1–${max} s`
      : '';
}

function renderWindow() {
  const power = store.power;
  const view = $('#window-view');
  const chip = $('#hdr-window');
  const close = $('#window-close');
  if (!power) return;
  const open = Boolean(power.window_id);
  close.disabled = !open;
  $('#wake-form button[type=submit]').disabled = open;
  if (!open) {
    replace(
      view,
      h('div', { class: 'countdown none', dataset: { testid: 'window-countdown' } }, 'closed'),
      h('div', { class: 'field' }, 'No window is open.'),
      h('div', { class: 'field' }, 'Optional modules follow the policy baseline.'),
    );
    view.dataset.windowId = '';
    chip.textContent = 'no window';
    chip.className = 'window-chip';
    $('#window-mode').textContent = '';
    return;
  }
  const services = power.window_services ?? [];
  view.dataset.windowId = power.window_id;
  replace(
    view,
    h('div', { class: 'countdown', id: 'countdown', dataset: { testid: 'window-countdown' } }),
    h(
      'div',
      { class: 'field' },
      'modules ',
      h('b', { dataset: { testid: 'window-services' } }, services.join(', ') || '—'),
    ),
    h(
      'div',
      { class: 'field' },
      'window ',
      h('code', { dataset: { testid: 'window-id' } }, power.window_id),
    ),
    h(
      'div',
      { class: 'field' },
      'deadline ',
      h(
        'code',
        { dataset: { testid: 'window-deadline', deadline: power.deadline ?? '' } },
        power.deadline ? fmtTime(power.deadline) : 'none (hold)',
      ),
    ),
    h('div', { class: 'field' }, 'opened ', h('b', {}, fmtAgo(power.created_at))),
  );
  chip.className = 'window-chip open';
  $('#window-mode').textContent = power.deadline ? 'TTL' : 'hold';
  tick();
}

/** Once a second: the countdown from the deadline, in the card and the header. */
function tick() {
  const power = store.power;
  if (!power?.window_id) return;
  const remaining = windowRemainingSec();
  const label = remaining === null ? 'hold' : fmtCountdown(remaining);
  const countdown = document.getElementById('countdown');
  if (countdown) {
    countdown.textContent = label;
    countdown.dataset.remaining = remaining === null ? '' : String(remaining);
    countdown.classList.toggle('low', remaining !== null && remaining <= LOW_SECONDS);
  }
  const services = (power.window_services ?? []).join(', ');
  $('#hdr-window').textContent = `window ${services} · ${label}`;
  // At the deadline the server closes the window (within a second): go and see.
  if (remaining === 0 && Date.now() - expiryCheckedAt >= EXPIRY_RECHECK_MS) {
    expiryCheckedAt = Date.now();
    void refresh();
  }
}

async function onWake(event) {
  event.preventDefault();
  const button = event.submitter ?? $('#wake-form button[type=submit]');
  const service = $('#wake-module').value;
  const ttl = Number($('#wake-ttl').value);
  if (!service) return toast('Choose a module to wake', 'warn');
  if (!Number.isInteger(ttl) || ttl < 1)
    return toast('TTL must be a whole number of seconds', 'warn');
  await busy(button, async () => {
    try {
      const opened = await post('/madre/power/window/open', { service, ttl_sec: ttl, mode: 'ttl' });
      const failed = opened.services_failed?.length
        ? ` (failed: ${opened.services_failed.join(', ')})`
        : '';
      toast(`Woke ${service} for ${ttl} s${failed}`, failed ? 'warn' : 'ok', opened.window_id);
    } catch (err) {
      toastError(`Could not wake ${service}`, err);
    }
    await refresh();
  });
  render(); // busy() re-enabled the button: let the state decide
}

async function onClose() {
  const button = $('#window-close');
  const windowId = store.power?.window_id;
  await busy(button, async () => {
    try {
      const closed = await post(
        '/madre/power/window/close',
        windowId ? { window_id: windowId } : {},
      );
      toast(
        `Window closed after ${closed.duration_sec} s`,
        'ok',
        `stopped: ${(closed.services_stopped ?? []).join(', ') || 'none'}`,
      );
    } catch (err) {
      toastError('Could not close the window', err);
    }
    await refresh();
  });
  render();
}

// ---- policy ---------------------------------------------------------------------------------

function renderPolicy() {
  const current = store.power?.policy ?? store.status?.policy;
  if (!current) return;
  $('#policy-current').textContent = current;
  const select = $('#policy-select');
  const names = store.policies.length > 0 ? store.policies : [current];
  if ([...select.options].map((o) => o.value).join() !== names.join()) {
    replace(
      select,
      names.map((name) => h('option', { value: name }, name)),
    );
    select.value = current;
    renderPolicyMembers();
  }
  // Only what the name does not say already: an open window overrides the policy meanwhile.
  $('#policy-active').textContent = store.power?.window_id ? 'window open' : '';
}

function renderPolicyMembers() {
  const name = $('#policy-select').value;
  const members = store.policyMembers?.[name];
  $('#policy-members').textContent = members
    ? `${name}: core${members.length ? ` + ${members.join(', ')}` : ' only'}`
    : '';
}

async function onApplyPolicy(event) {
  event.preventDefault();
  const name = $('#policy-select').value;
  const button = event.submitter ?? $('#policy-form button');
  await busy(button, async () => {
    try {
      const result = await post(`/madre/power/policy/${encodeURIComponent(name)}/apply`);
      const started = result.services_started?.join(', ') || 'none';
      const stopped = result.services_stopped?.join(', ') || 'none';
      toast(
        `Policy ${name} applied${result.window_closed ? ' (window closed)' : ''}`,
        'ok',
        `started: ${started} · stopped: ${stopped}`,
      );
    } catch (err) {
      toastError(`Could not apply ${name}`, err);
    }
    await refresh();
  });
}
