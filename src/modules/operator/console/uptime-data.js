// Uptime per module from GET /operator/api/health/uptime (computed by the server from the health
// history), shared by the modules table (24 h) and the uptime view (every range).

import { get } from './api.js';

export const UPTIME_PATH = '/operator/api/health/uptime';
export const RANGES = ['24h', '7d', '30d'];
/** The monitor checks about once a minute: fresher data would show nothing new. */
export const UPTIME_MAX_AGE_MS = 60000;

const cache = new Map();
const inFlight = new Map();

/** The latest answer for `range`, fetched again when older than `maxAgeMs`. */
export function loadUptime(range, maxAgeMs = UPTIME_MAX_AGE_MS) {
  const kept = cache.get(range);
  if (kept && Date.now() - kept.at < maxAgeMs) return Promise.resolve(kept.data);
  if (inFlight.has(range)) return inFlight.get(range);
  const request = get(`${UPTIME_PATH}?range=${encodeURIComponent(range)}`)
    .then((data) => {
      cache.set(range, { data, at: Date.now() });
      return data;
    })
    .finally(() => inFlight.delete(range));
  inFlight.set(range, request);
  return request;
}

/** What is known for `range` without asking (null before the first answer). */
export function cachedUptime(range) {
  return cache.get(range)?.data ?? null;
}

/** Drops what is known, so the next load asks the server (after a manual refresh). */
export function forgetUptime() {
  cache.clear();
}
