// The console's picture of the system: polled every few seconds and after every action, from
// /operator/api/status, /madre/power/state, /madre/power/status and /operator/api/modules.

import { describeError, get } from './api.js';
import { banner } from './ui.js';

export const store = {
  /** GET /operator/api/status */
  status: null,
  /** GET /madre/power/state: policy, window_id, deadline, ttl_remaining_sec, active_services */
  power: null,
  /** GET /madre/power/status: modules with since and in_window */
  powerStatus: null,
  /** GET /operator/api/modules: role, label, last health */
  modules: null,
  /** GET /madre/power/services: the allowlist and max TTL */
  services: null,
  /** GET /operator/api/settings */
  settings: null,
  /** policy names from GET /operator/api/config, and the optional modules of each */
  policies: [],
  policyMembers: {},
  /** server clock minus ours, in ms (only applied when it matters) */
  skewMs: 0,
  lastRefresh: null,
  refreshError: null,
};

const listeners = new Set();
let inFlight = null;
let pending = false;
let timer = null;

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) {
    try {
      listener(store);
    } catch (err) {
      console.error('render failed', err);
    }
  }
}

/** Server "now" as this browser should count it (corrects a clock off by more than 1.5 s). */
export function serverNow() {
  return Date.now() + (Math.abs(store.skewMs) > 1500 ? store.skewMs : 0);
}

/** Seconds left in the open window, from its deadline; null without a deadline. */
export function windowRemainingSec() {
  const deadline = store.power?.deadline;
  if (!deadline) return null;
  return Math.max(0, Math.ceil((Date.parse(deadline) - serverNow()) / 1000));
}

/** Loads what changes rarely: settings, the window allowlist, the policy names. */
export async function loadStatic() {
  const [settings, services, config] = await Promise.all([
    get('/operator/api/settings'),
    get('/madre/power/services'),
    get('/operator/api/config'),
  ]);
  store.settings = settings;
  store.services = services;
  store.policyMembers = config?.policies ?? {};
  store.policies = Object.keys(store.policyMembers);
  notify();
}

/**
 * Fetches the live state. Calls made while one is in flight coalesce into one more refresh
 * after it, so an action's effect is never missed.
 */
export function refresh() {
  if (inFlight) {
    pending = true;
    return inFlight;
  }
  inFlight = doRefresh().finally(() => {
    inFlight = null;
    if (pending) {
      pending = false;
      void refresh();
    }
  });
  return inFlight;
}

async function doRefresh() {
  const sentAt = Date.now();
  try {
    const [status, power, powerStatus, modules] = await Promise.all([
      get('/operator/api/status'),
      get('/madre/power/state'),
      get('/madre/power/status'),
      get('/operator/api/modules'),
    ]);
    const receivedAt = Date.now();
    const serverTime = Date.parse(status.timestamp);
    if (!Number.isNaN(serverTime)) store.skewMs = serverTime - (sentAt + receivedAt) / 2;
    Object.assign(store, { status, power, powerStatus, modules, lastRefresh: receivedAt });
    store.refreshError = null;
    banner(null);
  } catch (err) {
    store.refreshError = err;
    if (!err.isAuth) banner(`State refresh failed — ${describeError(err)}. Retrying…`);
  }
  notify();
}

/** Polls every `seconds` (re-armed when the interval changes). */
export function startPolling(seconds) {
  stopPolling();
  const ms = Math.max(1, Number(seconds) || 5) * 1000;
  timer = setInterval(() => {
    if (!document.hidden) void refresh();
  }, ms);
}

export function stopPolling() {
  if (timer) clearInterval(timer);
  timer = null;
}

/** Module rows joined from the power status, the registry view and the window. */
export function moduleRows() {
  const health = new Map((store.modules?.modules ?? []).map((m) => [m.name, m]));
  const power = store.powerStatus?.modules ?? [];
  const names = power.length > 0 ? power.map((m) => m.name) : [...health.keys()];
  return names.map((name) => {
    const p = power.find((m) => m.name === name) ?? {};
    const m = health.get(name) ?? {};
    return {
      name,
      label: m.label ?? name,
      role: m.role ?? '',
      category: p.category ?? m.category ?? '',
      state: p.state ?? m.state ?? 'off',
      since: p.since ?? m.since ?? null,
      inWindow: Boolean(p.in_window),
      health: m.health ?? null,
      lastError: p.last_error ?? m.last_error ?? null,
    };
  });
}
