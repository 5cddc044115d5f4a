import { isTypePattern, MAX_FILTER_TERMS } from '../event-filter';

/** What a WebSocket client may send (JSON text frames). */
export type ClientMessage =
  | { action: 'subscribe'; types: string[] }
  | { action: 'unsubscribe'; types: string[] }
  | { action: 'ping' };

/** Answered as `{"channel":"control","type":"error","error":…,"message":…}`; the socket stays open. */
export interface ProtocolError {
  error: 'invalid_message' | 'invalid_json' | 'unknown_action' | 'invalid_types';
  message: string;
}

export const ACTIONS = ['subscribe', 'unsubscribe', 'ping'] as const;

/** Most type patterns one client may hold. */
export const MAX_SUBSCRIPTIONS = 100;

export function isProtocolError<T extends object>(
  value: T | ProtocolError,
): value is ProtocolError {
  return 'error' in value;
}

/** Parses one frame from a client; never throws. */
export function parseClientMessage(
  data: Buffer | string,
  isBinary: boolean,
): ClientMessage | ProtocolError {
  if (isBinary) return { error: 'invalid_message', message: 'Send JSON text frames, not binary' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { error: 'invalid_json', message: 'The frame is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'invalid_message', message: 'Send a JSON object with an "action"' };
  }
  const { action, types } = parsed as { action?: unknown; types?: unknown };
  if (action === 'ping') return { action };
  if (action !== 'subscribe' && action !== 'unsubscribe') {
    return {
      error: 'unknown_action',
      message: `"action" must be one of ${ACTIONS.join(', ')}`,
    };
  }
  if (!Array.isArray(types) || types.length === 0 || types.length > MAX_FILTER_TERMS) {
    return {
      error: 'invalid_types',
      message: `"types" must be an array of 1 to ${MAX_FILTER_TERMS} event types ("a.b", "a.*" or "*")`,
    };
  }
  const bad = types.filter((t) => !isTypePattern(t));
  if (bad.length > 0) {
    return {
      error: 'invalid_types',
      message: `Not event types: ${bad.map((t) => JSON.stringify(t)).join(', ')}`,
    };
  }
  return { action, types: types as string[] };
}

/**
 * A client's type subscriptions. Until it narrows them (a `?types=` on connect, or its first
 * subscribe), a client gets every type; subscribe then adds, unsubscribe removes, and `*`
 * stands for every type.
 */
export interface Subscriptions {
  types: string[];
  narrowed: boolean;
}

export const EVERY_TYPE: Subscriptions = { types: ['*'], narrowed: false };

export function applySubscription(
  current: Subscriptions,
  message: { action: 'subscribe' | 'unsubscribe'; types: string[] },
): Subscriptions | ProtocolError {
  let types: string[];
  if (message.action === 'subscribe') {
    types = current.narrowed ? [...current.types, ...message.types] : [...message.types];
    types = types.includes('*') ? ['*'] : [...new Set(types)];
  } else {
    types = message.types.includes('*')
      ? []
      : current.types.filter((t) => !message.types.includes(t));
  }
  if (types.length > MAX_SUBSCRIPTIONS) {
    return {
      error: 'invalid_types',
      message: `At most ${MAX_SUBSCRIPTIONS} subscriptions; use "prefix.*" or "*"`,
    };
  }
  return { types, narrowed: true };
}
