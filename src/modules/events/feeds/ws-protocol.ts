import { isUtf8 } from 'node:buffer';
import { parseBoundedJson } from '../../../core/util/nesting';
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

/** Client frames are small JSON commands; ws closes a socket that sends more (1009). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** `{"action":…,"types":[…]}` nests 2 levels; a little slack, and no more, is parsed. */
export const MAX_MESSAGE_DEPTH = 4;
/** Bad types named in an error message, and the characters quoted of each. */
const MAX_NAMED = 3;
const MAX_QUOTED_CHARS = 40;

/**
 * Parses one frame from a client; never throws. The frame's size and nesting are bounded
 * before JSON.parse, so nothing after it can recurse over attacker-built depth.
 */
export function parseClientMessage(
  data: Buffer | string,
  isBinary: boolean,
): ClientMessage | ProtocolError {
  if (isBinary) return { error: 'invalid_message', message: 'Send JSON text frames, not binary' };
  if (typeof data !== 'string' && !isUtf8(data)) {
    return { error: 'invalid_message', message: 'Text frames must be valid UTF-8' };
  }
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const parsed = parseBoundedJson(text, {
    maxChars: MAX_CLIENT_FRAME_BYTES,
    maxDepth: MAX_MESSAGE_DEPTH,
  });
  if (!parsed.ok) return frameRefusal[parsed.reason];
  const message = parsed.value;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { error: 'invalid_message', message: 'Send a JSON object with an "action"' };
  }
  const { action, types } = message as { action?: unknown; types?: unknown };
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
    const named = bad.slice(0, MAX_NAMED).map(describeBadType).join(', ');
    const more = bad.length > MAX_NAMED ? ` and ${bad.length - MAX_NAMED} more` : '';
    return { error: 'invalid_types', message: `Not event types: ${named}${more}` };
  }
  return { action, types: types as string[] };
}

const frameRefusal: Record<'too_large' | 'too_deep' | 'invalid_json', ProtocolError> = {
  too_large: {
    error: 'invalid_message',
    message: `Frames are at most ${MAX_CLIENT_FRAME_BYTES} bytes`,
  },
  too_deep: {
    error: 'invalid_message',
    message: `The frame nests deeper than ${MAX_MESSAGE_DEPTH} levels`,
  },
  invalid_json: { error: 'invalid_json', message: 'The frame is not valid JSON' },
};

/** Names a bad entry of "types" in a few characters, whatever the client sent. */
function describeBadType(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= MAX_QUOTED_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_QUOTED_CHARS))}… (${value.length} characters)`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
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
