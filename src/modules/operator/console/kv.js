// Readable values for event payloads and maintenance details: key/value pairs instead of raw
// JSON, byte counts as KiB/MiB, durations in ms/s/min, times in local time, ids and hashes in
// full (a click copies them), paths from their last folder. Nothing is cut off: long text wraps.

import { copyable, fmtBytes, fmtDateTime, fmtDuration, fmtMs, h } from './ui.js';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const LONG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{32,}$/i;
const PATH = /^\/[^\s]*\/[^\s]+$/;
/** Integers written in prose about sizes, e.g. "the database (927008 bytes) is under 536870912". */
const BYTE_COUNT = /\b(\d{4,})( bytes)?\b/g;

/** What a key says about its value's unit. */
function unitOf(key) {
  const k = String(key).toLowerCase();
  if (k === 'bytes' || k.endsWith('_bytes') || k === 'size' || k.endsWith('_size')) return 'bytes';
  if (k.endsWith('_ms') || k === 'ms') return 'ms';
  if (k.endsWith('_sec') || k.endsWith('_seconds') || k === 'ttl') return 'sec';
  if (k.endsWith('_pct') || k.endsWith('_percent')) return 'pct';
  return '';
}

/** The key as a label: words, without the unit its value now shows ("duration_ms" → "duration"). */
export function labelOf(key) {
  const words = String(key)
    .replace(/_(bytes|ms|sec|seconds|pct|percent)$/, '')
    .replaceAll('_', ' ');
  return words === 'bytes' ? 'size' : words;
}

/** What an operator reads first: which module, what happened; the rest as the source had it. */
const FIRST_KEYS = ['module', 'name', 'status', 'from', 'to', 'services', 'type'];

function ordered(object) {
  const entries = Object.entries(object);
  const rank = (key) => {
    const i = FIRST_KEYS.indexOf(key);
    return i === -1 ? FIRST_KEYS.length : i;
  };
  return entries
    .map((entry, i) => [entry, i])
    .sort(([[a], i], [[b], j]) => rank(a) - rank(b) || i - j)
    .map(([entry]) => entry);
}

/** Byte counts inside prose, for strings that talk about bytes. */
export function humanizeText(text) {
  if (!/bytes|size/i.test(text)) return text;
  return text.replace(BYTE_COUNT, (_, digits) => fmtBytes(Number(digits)));
}

/** The last two parts of a path ("backups/vx11_x.db"), the whole path in the tooltip. */
function shortPath(path) {
  const parts = path.split('/').filter(Boolean);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : path;
}

/** One scalar, formatted by its key's unit and its own look. */
export function formatScalar(key, value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, 'none');
  if (typeof value === 'boolean') {
    return h('span', { class: value ? 'v-yes' : 'v-no' }, value ? 'yes' : 'no');
  }
  const unit = unitOf(key);
  if (typeof value === 'number') {
    if (unit === 'bytes') return h('span', { title: `${value} bytes` }, fmtBytes(value));
    if (unit === 'ms') return h('span', { title: `${value} ms` }, fmtMs(value));
    if (unit === 'sec') return h('span', { title: `${value} s` }, fmtDuration(value));
    if (unit === 'pct') return `${value} %`;
    return value.toLocaleString('en-US');
  }
  const text = String(value);
  if (ISO_TIME.test(text)) return h('span', { title: text }, fmtDateTime(text));
  if (LONG_ID.test(text)) return copyable(text);
  if (PATH.test(text)) return h('span', { class: 'mono', title: text }, shortPath(text));
  return humanizeText(text);
}

function isPlain(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value of any shape, inline: arrays as comma lists, objects as nested pairs. */
function formatValue(key, value, depth) {
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'none');
    if (value.every((v) => !isPlain(v) && !Array.isArray(v))) {
      const items = value.map((v) => formatScalar(key, v));
      return h(
        'span',
        {},
        items.flatMap((item, i) => (i ? [', ', item] : [item])),
      );
    }
    return h(
      'span',
      {},
      value.map((v, i) =>
        h('span', { class: 'kv-nested' }, `${i + 1}: `, formatValue(key, v, depth + 1)),
      ),
    );
  }
  if (isPlain(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return h('span', { class: 'muted' }, 'none');
    return h('span', { class: 'kv-nested' }, kvInline(value, depth + 1));
  }
  return formatScalar(key, value);
}

/** `key value · key value`, wrapping between pairs, never cut. */
export function kvInline(object, depth = 0) {
  if (!isPlain(object)) return formatValue('', object, depth);
  const entries = ordered(object);
  if (entries.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'span',
    { class: 'kv-inline' },
    entries.map(([key, value]) =>
      h(
        'span',
        { class: 'kv-pair' },
        h('span', { class: 'k' }, labelOf(key)),
        ' ',
        h('span', { class: 'v' }, formatValue(key, value, depth)),
      ),
    ),
  );
}

/** Values longer than this take a whole row of the grid. */
const WIDE_CHARS = 34;

/** The fields as a grid of `key value` cells, a long value on a row of its own. */
export function kvList(object) {
  const entries = ordered(object ?? {});
  if (entries.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'div',
    { class: 'kv-grid' },
    entries.map(([key, value]) => {
      const shown = h('span', { class: 'v' }, formatValue(key, value, 0));
      const wide = (shown.textContent ?? '').length > WIDE_CHARS;
      return h(
        'div',
        { class: `kv-cell${wide ? ' wide' : ''}` },
        h('span', { class: 'k' }, labelOf(key)),
        ' ',
        shown,
      );
    }),
  );
}
