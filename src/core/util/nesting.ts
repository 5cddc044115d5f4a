const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * True when `value` nests objects/arrays more than `limit` levels deep. Iterative, and stops
 * at the first path past the limit, so a hostile document costs little to reject.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * The same test on JSON text, before it is parsed: counts `[`/`{` outside strings in one pass,
 * with no recursion and no allocation, so a hostile frame is refused before JSON.parse builds
 * it (and before anything recurses over it). Malformed text is left for JSON.parse to refuse.
 */
export function jsonTextNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH)
        i += 1; // skips the escaped character, `\"` included
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}

export type BoundedJson =
  { ok: true; value: unknown } | { ok: false; reason: 'too_large' | 'too_deep' | 'invalid_json' };

/**
 * JSON.parse for text from outside (socket frames, job data, files): refuses text longer than
 * `maxChars` or nesting past `maxDepth` before parsing, so what comes back is safe to walk,
 * copy or stringify. Never throws.
 */
export function parseBoundedJson(
  text: string,
  limits: { maxChars: number; maxDepth: number },
): BoundedJson {
  if (text.length > limits.maxChars) return { ok: false, reason: 'too_large' };
  if (jsonTextNestsDeeperThan(text, limits.maxDepth)) return { ok: false, reason: 'too_deep' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
}
