// Small DOM helpers: element builders, toasts, the connection banner and formatting.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** `h('td', {class: 'x', dataset: {id: 1}, onclick}, 'text', child)` */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

/** The SVG counterpart of h(). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

export function stateBadge(state) {
  return h(
    'span',
    { class: `badge state-${state}`, dataset: { testid: 'state', state } },
    state ?? '?',
  );
}

/** A row spanning the table saying there is nothing (or what went wrong). */
export function emptyRow(columns, text, isError = false) {
  return h(
    'tr',
    {},
    h('td', { class: isError ? 'empty inline-error' : 'empty', colSpan: columns }, text),
  );
}

// ---- toasts -------------------------------------------------------------------------------

const TOAST_MS = { error: 9000, warn: 7000, ok: 3500, info: 4500 };
let toastView = '';

/**
 * Toasts belong to the view shown when they were raised: leaving that view dismisses them, so
 * a message never sits over a view it says nothing about.
 */
export function setToastView(view) {
  toastView = view;
  for (const el of document.querySelectorAll('#toasts .toast')) {
    if (el.dataset.view !== view) el.remove();
  }
}

/** Shows a message in the corner; errors stay longer. Click to dismiss. */
export function toast(message, kind = 'info', detail = '') {
  const box = document.getElementById('toasts');
  const el = h(
    'div',
    {
      class: `toast ${kind}`,
      role: kind === 'error' ? 'alert' : 'status',
      dataset: { testid: `toast-${kind}`, view: toastView },
      onclick: () => el.remove(),
    },
    message,
    detail ? h('span', { class: 'detail' }, detail) : null,
  );
  box.prepend(el);
  while (box.children.length > 4) box.lastElementChild.remove();
  setTimeout(() => el.remove(), TOAST_MS[kind] ?? 5000);
  return el;
}

/** Toasts an API error with its correlation id (for the logs). */
export function toastError(what, err) {
  const correlation = err?.correlationId ? `correlation ${err.correlationId}` : '';
  const message = err?.status !== undefined ? describe(err) : String(err?.message ?? err);
  return toast(`${what}: ${message}`, 'error', correlation);
}

function describe(err) {
  if (err.status === 0) return err.message;
  return `${err.status} ${err.code} — ${err.message}`;
}

/** The persistent banner for a problem that lasts (e.g. VX11 unreachable); null hides it. */
export function banner(text) {
  const el = document.getElementById('banner');
  if (!text) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.textContent = text;
  el.hidden = false;
}

/** Marks a button busy while `work` runs; returns work's promise. */
export async function busy(button, work) {
  button.disabled = true;
  button.classList.add('busy');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.classList.remove('busy');
  }
}

/** A small button that copies `text` to the clipboard. */
export function copyable(text, label = text) {
  return h(
    'button',
    {
      type: 'button',
      class: 'copy',
      title: 'Copy',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(text);
          toast('Copied', 'ok', text);
        } catch {
          toast('Could not copy to the clipboard', 'warn', text);
        }
      },
    },
    label,
  );
}

// ---- formatting ---------------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtTime(iso)}`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function fmtAgo(iso, now = Date.now()) {
  if (!iso) return '—';
  const sec = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(sec)) return String(iso);
  if (sec < 60) return `${sec} s ago`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min ago`;
  if (sec < 86400) return `${Math.floor(sec / 3600)} h ago`;
  return `${Math.floor(sec / 86400)} d ago`;
}

/** 299 → "4:59", 3725 → "1:02:05". */
export function fmtCountdown(sec) {
  const total = Math.max(0, Math.floor(sec));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(Number(ms))) return '—';
  const n = Number(ms);
  if (n >= 60000) return fmtDuration(n / 1000);
  if (n >= 1000) return `${(n / 1000).toFixed(1)} s`;
  if (n > 0 && n < 10) return `${n.toFixed(1).replace(/\.0$/, '')} ms`;
  return `${Math.round(n)} ms`;
}

/** 42 → "42 s", 600 → "10 min", 5400 → "1 h 30 min", 200000 → "2 d 7 h" (two units at most). */
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return '—';
  const sec = Math.round(Number(seconds));
  if (sec < 60) return `${sec} s`;
  const units = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const first = units.findIndex(([size]) => sec >= size);
  const [size, unit] = units[first];
  const [nextSize, nextUnit] = units[first + 1];
  const major = Math.floor(sec / size);
  const minor = Math.floor((sec % size) / nextSize);
  return minor > 0 ? `${major} ${unit} ${minor} ${nextUnit}` : `${major} ${unit}`;
}

/** 536870912 → "512 MiB", 188416 → "184 KiB", 927008 → "905.3 KiB". */
export function fmtBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(Number(bytes))) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = Number(bytes);
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  const text = i === 0 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1);
  return `${text.replace(/\.0$/, '')} ${units[i]}`;
}

/** 99.93 → "99.93 %", 100 → "100 %", null → "—". */
export function fmtPct(pct) {
  if (pct === null || pct === undefined) return '—';
  return `${Number.isInteger(pct) ? pct : pct.toFixed(2)} %`;
}

/** A compact one-line JSON preview (tooltips only; views show values with kv.js). */
export function preview(value, max = 180) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
