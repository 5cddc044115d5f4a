// VX11 operator console: boot, the token, views (hash routes), polling and shortcuts.

import { authAdvice, forgetToken, get, getToken, onAuthFailure, setToken } from './api.js';
import { installShortcuts } from './keys.js';
import { loadStatic, refresh, startPolling, stopPolling, store, subscribe } from './state.js';
import { $, setToastView, toast, toastError } from './ui.js';
import { forgetUptime } from './uptime-data.js';
import { focusChat, initChat, restoreChat, setChatVisible } from './views/chat.js';
import {
  focusEventFilter,
  initEvents,
  setEventsVisible,
  startEvents,
  stopEvents,
} from './views/events.js';
import { initIncidents, refreshIncidents, setIncidentsVisible } from './views/incidents.js';
import { initMaintenance, setMaintenanceVisible } from './views/maintenance.js';
import { initPlans, setPlansVisible } from './views/plans.js';
import { focusWake, initPower, setModulesVisible } from './views/power.js';
import { refreshTopology, setTopologyVisible } from './views/topology.js';
import { initUptime, setUptimeVisible } from './views/uptime.js';
import { initRails, setRailsVisible } from './views/rails.js';
import { initHormiguero, setHormigueroVisible } from './views/hormiguero.js';

const VIEWS = [
  'modules',
  'chat',
  'events',
  'incidents',
  'uptime',
  'maintenance',
  'topology',
  'rails',
  'plans',
  'hormiguero',
];
const VISIBILITY = {
  modules: setModulesVisible,
  chat: setChatVisible,
  events: setEventsVisible,
  uptime: setUptimeVisible,
  incidents: setIncidentsVisible,
  maintenance: setMaintenanceVisible,
  topology: setTopologyVisible,
  rails: setRailsVisible,
  plans: setPlansVisible,
  hormiguero: setHormigueroVisible,
};
/** Incidents are polled less often than the state (they feed the tab badge). */
const INCIDENT_POLL_EVERY = 3;

let current = null;
let started = false;
let polls = 0;

// ---- views ----------------------------------------------------------------------------------

function show(view) {
  if (!VIEWS.includes(view)) view = 'modules';
  if (view === current) return;
  const previous = current;
  current = view;
  setToastView(view);
  for (const section of document.querySelectorAll('main > .view')) {
    section.hidden = section.dataset.view !== view;
  }
  for (const tab of document.querySelectorAll('.tabs a')) {
    if (tab.dataset.view === view) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (previous && VISIBILITY[previous]) VISIBILITY[previous](false);
  if (started && VISIBILITY[view]) VISIBILITY[view](true);
  if (location.hash !== `#${view}`) history.replaceState(null, '', `#${view}`);
}

/** A refresh the operator asked for: the uptime figures are fetched again too. */
function refreshNow() {
  forgetUptime();
  void refresh();
}

function go(view) {
  return () => show(view);
}

// ---- token ----------------------------------------------------------------------------------

const dialog = () => $('#token-dialog');

function askToken(message = '') {
  const error = $('#token-error');
  error.textContent = message;
  error.hidden = !message;
  $('#token-forget').hidden = !getToken();
  $('#token-cancel').hidden = !started;
  const input = $('#token-input');
  input.value = '';
  if (!dialog().open) dialog().showModal();
  input.focus();
}

/** Checks a token against a guarded route; resolves true when it is accepted. */
async function tryToken(candidate) {
  const previous = getToken();
  setToken(candidate);
  try {
    await get('/operator/api/status', { quietAuth: true });
    return true;
  } catch (err) {
    if (err.isAuth) {
      if (previous && previous !== candidate) setToken(previous);
      else forgetToken();
      askToken(authAdvice(err));
    } else {
      askToken(`Could not check the token: ${err.message}`);
    }
    return false;
  }
}

function initTokenDialog() {
  $('#token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const candidate = $('#token-input').value.trim();
    if (!candidate) {
      askToken('Paste the operator token first.');
      return;
    }
    const button = event.submitter;
    if (button) button.disabled = true;
    const ok = await tryToken(candidate);
    if (button) button.disabled = false;
    if (!ok) return;
    dialog().close();
    toast('Token accepted', 'ok');
    await start();
  });
  $('#token-cancel').addEventListener('click', () => dialog().close());
  $('#token-forget').addEventListener('click', () => {
    forgetToken();
    stop();
    askToken('Token forgotten. Paste a token to continue.');
  });
  // Esc must not leave the console without a token.
  dialog().addEventListener('cancel', (event) => {
    if (!started) event.preventDefault();
  });
  $('#btn-token').addEventListener('click', () => askToken());
  onAuthFailure((err) => {
    stop();
    askToken(authAdvice(err));
  });
}

// ---- lifecycle ------------------------------------------------------------------------------

async function start() {
  if (started) return;
  started = true;
  try {
    await loadStatic();
  } catch (err) {
    if (err.isAuth) return;
    toastError('Could not load settings and the window allowlist', err);
  }
  await refresh();
  if (!started) return; // the token went bad meanwhile
  startPolling(store.settings?.refresh_interval_sec ?? 5);
  void restoreChat();
  void startEvents();
  void refreshIncidents();
  if (VISIBILITY[current]) VISIBILITY[current](true);
}

function stop() {
  started = false;
  stopPolling();
  stopEvents();
}

async function boot() {
  initTokenDialog();
  initPower();
  initChat();
  initEvents({ onIncident: () => void refreshIncidents() });
  initIncidents();
  initMaintenance();
  initPlans();
  initUptime();
  initRails();
  initHormiguero();
  subscribe(() => {
    polls += 1;
    if (current === 'topology') refreshTopology();
    if (started && polls % INCIDENT_POLL_EVERY === 0) void refreshIncidents();
  });

  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  show(location.hash.slice(1) || 'modules');
  $('#btn-refresh').addEventListener('click', refreshNow);
  $('#btn-help').addEventListener('click', () => $('#help-dialog').showModal());
  installShortcuts({
    single: {
      '/': () => {
        show('chat');
        focusChat();
      },
      '?': () => $('#help-dialog').showModal(),
      r: refreshNow,
      w: () => {
        show('modules');
        focusWake();
      },
      f: () => {
        show('events');
        focusEventFilter();
      },
      1: go('modules'),
      2: go('chat'),
      3: go('events'),
      4: go('incidents'),
      5: go('uptime'),
      6: go('maintenance'),
      7: go('topology'),
      8: go('rails'),
      9: go('plans'),
      0: go('hormiguero'),
    },
    goto: {
      m: go('modules'),
      c: go('chat'),
      e: go('events'),
      i: go('incidents'),
      h: go('incidents'),
      u: go('uptime'),
      b: go('maintenance'),
      t: go('topology'),
      l: go('rails'),
      p: go('plans'),
      a: go('hormiguero'),
    },
    escape: (event) => {
      const target = event.target;
      if (target instanceof HTMLElement && target !== document.body && !target.closest('dialog')) {
        target.blur();
      }
    },
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && started) void refresh();
  });

  // A stored token, or auth switched off (loopback): go. Otherwise ask.
  if (getToken()) {
    if (await tryToken(getToken())) await start();
    return;
  }
  try {
    await get('/operator/api/status', { auth: false });
    toast('Auth is off on this server (loopback only): no token needed', 'warn');
    await start();
  } catch (err) {
    askToken(err.isAuth ? '' : `VX11 did not answer: ${err.message}`);
  }
}

void boot();
