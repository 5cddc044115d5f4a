/** Argument names whose values never reach the ledger or the logs. */
const SECRET_KEY =
  /(token|secret|password|passwd|api[_-]?key|authorization|credential|cookie|private[_-]?key)/i;
export const REDACTED = '[redacted]';
const MAX_STRING = 256;
const MAX_ITEMS = 20;
const MAX_KEYS = 40;
const MAX_DEPTH = 4;

/**
 * A copy of a tool call's arguments fit for the ledger: values under secret-looking names
 * replaced, long strings cut, deep or wide structures trimmed (so the record stays small).
 */
export function redactArguments(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING
      ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)`
      : value;
  }
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' || typeof value === 'boolean' ? value : (value ?? null);
  }
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => redactArguments(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, v] of entries.slice(0, MAX_KEYS)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactArguments(v, depth + 1);
  }
  if (entries.length > MAX_KEYS) out['…'] = `${entries.length - MAX_KEYS} more keys`;
  return out;
}
