/* global TextDecoder -- the browser decodes the streamed answer */
// Chat: POST /operator/api/chat with the kept session id, streamed ("stream": true, SSE): the
// answer grows as its pieces arrive; then it shows where it came from (fallback_source), a
// degraded badge when switch did not answer, and its correlation id.

import { ApiError, get, getToken, post } from '../api.js';
import { refresh, store, subscribe } from '../state.js';
import { $, badge, busy, copyable, fmtAgo, fmtMs, fmtTime, h, toast, toastError } from '../ui.js';

const SESSION_KEY = 'vx11.operator.chat_session';
const CHAT_WINDOW_TTL_SEC = 600;
/** How many of the latest answers (any session) the header sums up. */
const RECENT_ANSWERS = 10;
/** The longest a streamed answer may take, start to end. */
const STREAM_TIMEOUT_MS = 120000;
const SOURCE_LABEL = {
  switch: 'switch',
  madre: "madre's tier",
  local_llm_degraded: 'the local degraded responder',
};

/** The latest answers' sources, newest first: [{source, at}] (null until loaded). */
let recentAnswers = null;
let visible = false;

let sessionId = readSession();
let messageCount = 0;

function readSession() {
  try {
    return localStorage.getItem(SESSION_KEY) || null;
  } catch {
    return null;
  }
}

function keepSession(id) {
  sessionId = id;
  try {
    if (id) localStorage.setItem(SESSION_KEY, id);
    else localStorage.removeItem(SESSION_KEY);
  } catch {
    // not kept across reloads then
  }
  $('#chat-session').textContent = id ?? 'new';
}

export function initChat() {
  const form = $('#chat-form');
  const input = $('#chat-input');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  $('#chat-new').addEventListener('click', () => {
    keepSession(null);
    messageCount = 0;
    $('#chat-count').textContent = '0';
    $('#chat-log').replaceChildren();
    toast('New chat session', 'info');
    input.focus();
  });
  $('#chat-wake').addEventListener('click', (event) => void wakeSwitch(event.currentTarget));
  subscribe(() => {
    renderTier();
    if (visible) void loadRecentAnswers();
  });
  keepSession(sessionId);
}

export function setChatVisible(isVisible) {
  visible = isVisible;
  if (visible) void loadRecentAnswers();
}

/** Where the latest answers came from, from the chat.completed events (every session). */
async function loadRecentAnswers() {
  try {
    const query = new URLSearchParams({ type: 'chat.completed', limit: String(RECENT_ANSWERS) });
    const page = await get(`/operator/api/events?${query}`);
    recentAnswers = (page.events ?? []).map((e) => ({
      source: e.payload?.fallback_source ?? 'unknown',
      at: e.timestamp,
      latencyMs: e.payload?.latency_ms,
      sessionId: e.payload?.session_id,
    }));
  } catch {
    // the header keeps what it showed; the events view reports the failure
  }
  renderRoute();
}

/** The header: which tier gave the latest answers, as they were really answered. */
function renderRoute() {
  const route = $('#chat-route');
  if (!recentAnswers) return;
  renderRecent();
  if (recentAnswers.length === 0) {
    route.dataset.source = '';
    route.className = 'small muted';
    route.textContent = 'no answers yet';
    return;
  }
  const [latest] = recentAnswers;
  const same = recentAnswers.filter((a) => a.source === latest.source).length;
  const others = new Map();
  for (const a of recentAnswers) {
    if (a.source !== latest.source) others.set(a.source, (others.get(a.source) ?? 0) + 1);
  }
  const rest = [...others].map(([source, n]) => `${source} ${n}`).join(', ');
  route.dataset.source = latest.source;
  route.className = `small route ${latest.source === 'switch' ? 'ok' : 'degraded'}`;
  route.replaceChildren(
    'latest answers from ',
    h('b', {}, SOURCE_LABEL[latest.source] ?? latest.source),
    ' ',
    badge(latest.source, 'source'),
    h(
      'span',
      { class: 'muted' },
      ` · ${same} of the last ${recentAnswers.length}${rest ? ` (others: ${rest})` : ''} · ${fmtAgo(latest.at)}`,
    ),
  );
}

/** Restores the kept session's messages (after the token is known). */
export async function restoreChat() {
  if (!sessionId) return;
  try {
    const session = await get(`/operator/session/${encodeURIComponent(sessionId)}`);
    const log = $('#chat-log');
    log.replaceChildren();
    for (const m of session.messages ?? []) {
      log.append(
        m.role === 'user'
          ? userMessage(m.content, m.timestamp)
          : assistantMessage({
              ...m,
              response: m.content,
              degraded: m.fallback_source !== 'switch',
            }),
      );
    }
    messageCount = session.message_count ?? session.messages?.length ?? 0;
    $('#chat-count').textContent = String(messageCount);
    log.scrollTop = log.scrollHeight;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      keepSession(null); // the server no longer knows it (e.g. a fresh database)
      return;
    }
    toastError('Could not restore the chat session', err);
  }
}

export function focusChat() {
  const input = $('#chat-input');
  input.focus();
  input.select();
}

function renderTier() {
  const state = store.status?.optional_services?.switch ?? '…';
  $('#chat-switch-state').textContent = state;
  $('#chat-wake').disabled = state === 'active' || Boolean(store.power?.window_id);
  renderRoute();
}

/** One line per recent answer: when, which tier, how fast, and whether it was this session. */
function renderRecent() {
  const list = $('#chat-recent');
  if (recentAnswers.length === 0) {
    list.replaceChildren(h('li', { class: 'muted' }, 'No answers yet.'));
    return;
  }
  list.replaceChildren(
    ...recentAnswers.map((a) =>
      h(
        'li',
        {},
        h('span', { class: 'when mono' }, fmtTime(a.at)),
        h(
          'span',
          {},
          badge(a.source, a.source === 'switch' ? 'ok' : 'source'),
          h(
            'span',
            { class: 'muted' },
            ` ${a.latencyMs === undefined ? '' : fmtMs(a.latencyMs)}${a.sessionId && a.sessionId === sessionId ? ' · this session' : ''}`,
          ),
        ),
      ),
    ),
  );
}

function userMessage(text, timestamp) {
  return h(
    'li',
    { class: 'msg user' },
    h('div', { class: 'body' }, text),
    h('div', { class: 'meta' }, fmtTime(timestamp ?? new Date().toISOString())),
  );
}

function assistantMessage(answer) {
  const degraded = Boolean(answer.degraded);
  return h(
    'li',
    {
      class: `msg assistant${degraded ? ' degraded' : ''}`,
      dataset: {
        testid: 'chat-answer',
        correlationId: answer.correlation_id ?? '',
        fallbackSource: answer.fallback_source ?? '',
      },
    },
    h('div', { class: 'body' }, answer.response ?? ''),
    h(
      'div',
      { class: 'meta' },
      badge(answer.fallback_source ?? 'unknown', 'source'),
      degraded
        ? h(
            'span',
            {
              class: 'badge degraded',
              dataset: { testid: 'degraded-badge' },
              title: 'switch did not answer: this came from the fallback chain',
            },
            'degraded',
          )
        : null,
      answer.model ? h('span', {}, `${answer.provider ?? ''}/${answer.model}`) : null,
      answer.latency_ms !== undefined ? h('span', {}, fmtMs(answer.latency_ms)) : null,
      h('span', {}, fmtTime(answer.timestamp ?? new Date().toISOString())),
      answer.correlation_id
        ? h(
            'span',
            { dataset: { testid: 'correlation-id' } },
            'correlation ',
            copyable(answer.correlation_id),
          )
        : null,
    ),
  );
}

async function send() {
  const input = $('#chat-input');
  const message = input.value.trim();
  if (!message) return;
  const log = $('#chat-log');
  const button = $('#chat-send');
  if (button.disabled) return;
  log.append(userMessage(message));
  const waiting = h('li', { class: 'msg assistant pending' }, 'thinking…');
  log.append(waiting);
  log.scrollTop = log.scrollHeight;
  input.value = '';
  await busy(button, async () => {
    try {
      const body = sessionId ? { message, session_id: sessionId } : { message };
      const answer = await streamAnswer(body, waiting, log);
      keepSession(answer.session_id);
      log.querySelector('[data-streaming]')?.replaceWith(assistantMessage(answer));
      waiting.replaceWith(assistantMessage(answer));
      recentAnswers = [
        {
          source: answer.fallback_source,
          at: new Date().toISOString(),
          latencyMs: answer.latency_ms,
          sessionId: answer.session_id,
        },
        ...(recentAnswers ?? []),
      ].slice(0, RECENT_ANSWERS);
      renderRoute(); // the next state poll reads the ledger again
      messageCount += 2;
      $('#chat-count').textContent = String(messageCount);
    } catch (err) {
      const retry = err.retryAfter ? ` — retry in ${err.retryAfter} s` : '';
      const partial = log.querySelector('[data-streaming]');
      if (partial) {
        // part of the answer arrived, then it broke off: keep it, marked as incomplete
        delete partial.dataset.streaming;
        partial.classList.add('inline-error');
        partial.append(h('div', { class: 'meta' }, `incomplete: ${err.message}`));
        waiting.remove();
      } else {
        waiting.replaceWith(
          h('li', { class: 'msg assistant inline-error' }, `Not sent: ${err.message}${retry}`),
        );
        if (!input.value) input.value = message; // give the text back
      }
      toastError('Chat failed', err);
    }
  });
  log.scrollTop = log.scrollHeight;
  input.focus();
}

async function wakeSwitch(button) {
  await busy(button, async () => {
    try {
      await post('/operator/api/chat/window/open', { ttl_sec: CHAT_WINDOW_TTL_SEC });
      toast(`switch is waking for ${CHAT_WINDOW_TTL_SEC / 60} min`, 'ok');
    } catch (err) {
      toastError('Could not wake switch', err);
    }
    await refresh();
  });
  renderTier(); // busy() re-enabled the button: let the state decide
}

/**
 * POST /operator/api/chat with "stream": true. The answer's pieces go into a bubble that
 * replaces `waiting` at the first one; resolves with the stored answer (the `done` event).
 * Rejects with ApiError for a refused request (validation, rate limit, auth) and when the
 * stream ends with an `error` event or without `done`.
 */
async function streamAnswer(body, waiting, log) {
  const headers = { accept: 'text/event-stream', 'content-type': 'application/json' };
  const token = getToken();
  if (token) headers['X-VX11-Token'] = token;
  let response;
  try {
    response = await fetch('/operator/api/chat', {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...body, stream: true }),
      signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'VX11 is not reachable', {
      path: 'POST /operator/api/chat',
    });
  }
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('event-stream')) {
    const parsed = await response.json().catch(() => null);
    throw new ApiError(
      response.status,
      parsed?.error ?? `http_${response.status}`,
      parsed?.message ?? response.statusText ?? 'request failed',
      {
        correlationId: parsed?.correlation_id ?? response.headers.get('x-correlation-id'),
        body: parsed,
        path: 'POST /operator/api/chat',
        retryAfter: parsed?.retry_after ?? response.headers.get('retry-after'),
      },
    );
  }
  const bubble = h('div', { class: 'body' }, '');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const handle = (block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
    const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
    if (event === 'start') {
      keepSession(data.session_id);
      waiting.replaceWith(
        h(
          'li',
          {
            class: `msg assistant streaming${data.fallback_source === 'switch' ? '' : ' degraded'}`,
            dataset: { streaming: 'true', testid: 'chat-streaming' },
          },
          bubble,
          h(
            'div',
            { class: 'meta' },
            badge(data.fallback_source, 'source'),
            `${data.provider}/${data.model} · streaming…`,
          ),
        ),
      );
    } else if (event === 'message') {
      bubble.textContent += data.delta;
      log.scrollTop = log.scrollHeight;
    } else if (event === 'done') {
      return data;
    } else if (event === 'error') {
      throw new ApiError(
        502,
        data.error ?? 'stream_failed',
        data.message ?? 'the answer broke off',
        {
          correlationId: data.correlation_id,
          path: 'POST /operator/api/chat',
        },
      );
    }
    return undefined;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const answer = handle(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (answer) {
        void reader.cancel().catch(() => undefined);
        return answer;
      }
    }
  }
  throw new ApiError(0, 'stream_failed', 'the answer broke off before it was complete', {
    path: 'POST /operator/api/chat',
  });
}
