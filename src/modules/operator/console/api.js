// The one door to the VX11 API: every request carries X-VX11-Token, every failure becomes an
// ApiError with the server's code, message and correlation id.

const TOKEN_KEY = 'vx11.operator.token';
const DEFAULT_TIMEOUT_MS = 30000;

let token = readStoredToken();
const authListeners = new Set();

function readStoredToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function getToken() {
  return token;
}

/** Keeps the token in this browser (localStorage) and uses it from now on. */
export function setToken(value) {
  token = value.trim();
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // private mode: the token lives for this page only
  }
}

export function forgetToken() {
  token = '';
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
}

/** Called with the ApiError whenever the API answers 401 or 403. */
export function onAuthFailure(listener) {
  authListeners.add(listener);
}

export class ApiError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.correlationId = extra.correlationId ?? null;
    this.body = extra.body ?? null;
    this.path = extra.path ?? null;
    this.retryAfter = extra.retryAfter ?? null;
  }

  get isAuth() {
    return this.status === 401 || this.status === 403;
  }
}

/** A one-line description for toasts and inline errors. */
export function describeError(err) {
  if (err instanceof ApiError) {
    const where = err.path ? ` (${err.path})` : '';
    if (err.status === 0) return `${err.message}${where}`;
    return `${err.status} ${err.code}: ${err.message}${where}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Advice for an auth failure, as the token dialog shows it. */
export function authAdvice(err) {
  if (err.status === 401) {
    return 'VX11 asks for a token (401 auth_required). Paste the operator token.';
  }
  return 'That token was refused (403 forbidden). Use the token in data/.vx11_token on the server, or the value of VX11_TOKEN.';
}

/**
 * Sends a request to VX11. Resolves with the parsed JSON body (or text); rejects with ApiError.
 * `auth: false` leaves the token out (used to probe whether auth is off); `quietAuth` keeps a
 * 401/403 from reaching the onAuthFailure listeners (used to try a candidate token).
 */
export async function request(path, options = {}) {
  const {
    method = 'GET',
    body,
    signal,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    auth = true,
    quietAuth = false,
  } = options;
  const headers = { accept: 'application/json' };
  if (auth && token) headers['X-VX11-Token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: combined,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    const why = timeout.aborted
      ? `no answer within ${timeoutMs / 1000} s`
      : 'VX11 is not reachable';
    throw new ApiError(0, 'network_error', why, { path: `${method} ${path}` });
  }
  const type = response.headers.get('content-type') || '';
  let parsed = null;
  try {
    parsed = type.includes('json') ? await response.json() : await response.text();
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const isObject = parsed && typeof parsed === 'object';
    const error = new ApiError(
      response.status,
      (isObject && parsed.error) || `http_${response.status}`,
      (isObject && parsed.message) || response.statusText || 'request failed',
      {
        correlationId:
          (isObject && parsed.correlation_id) || response.headers.get('x-correlation-id'),
        body: parsed,
        path: `${method} ${path}`,
        retryAfter: (isObject && parsed.retry_after) || response.headers.get('retry-after'),
      },
    );
    if (error.isAuth && auth && !quietAuth) for (const listener of authListeners) listener(error);
    throw error;
  }
  return parsed;
}

export const get = (path, options) => request(path, options);
export const post = (path, body, options = {}) =>
  request(path, { ...options, method: 'POST', body: body ?? {} });
