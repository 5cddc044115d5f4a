import { Logger } from '@nestjs/common';

/** Longest error text a guard writes to the log: a thrown value may carry attacker input. */
const MAX_ERROR_CHARS = 500;

const fallbackLogger = new Logger('Guarded');

export interface GuardOptions<A extends unknown[]> {
  /** Where a failure is logged (the caller's own Logger, so the context says who failed). */
  logger?: Pick<Logger, 'error'>;
  /** Clean-up after a failure (drop the socket, fail the waiting callers…); guarded as well. */
  onError?: (err: unknown, ...args: A) => void;
}

/**
 * Wraps a callback that Node calls with no one to catch for it — a timer, an event or stream
 * listener, a promise's `finally` — so that a throw, or the rejection of the promise it returns,
 * is logged (and handed to `onError`) instead of ending the process as an uncaught exception
 * or unhandled rejection. The wrapper itself never throws and returns nothing.
 */
export function guarded<A extends unknown[]>(
  what: string | NoInfer<(...args: A) => string>,
  callback: (...args: A) => unknown,
  options: NoInfer<GuardOptions<A>> = {},
): (...args: A) => void {
  const logger = options.logger ?? fallbackLogger;
  const fail = (err: unknown, args: A) => {
    const label = labelFor(what, args);
    report(logger, label, err);
    if (!options.onError) return;
    try {
      options.onError(err, ...args);
    } catch (cleanupErr) {
      report(logger, `${label} (clean-up)`, cleanupErr);
    }
  };
  return (...args: A) => {
    try {
      const result = callback(...args);
      if (isThenable(result)) result.then(undefined, (err: unknown) => fail(err, args));
    } catch (err) {
      fail(err, args);
    }
  };
}

/**
 * One line for a log or a message, whatever was thrown (`null`, a string, an object whose
 * `toString` throws…) and however long; never throws.
 */
export function describeError(err: unknown, maxChars = MAX_ERROR_CHARS): string {
  let text: string;
  try {
    if (err instanceof Error) text = `${err.name}: ${err.message}`;
    else if (typeof err === 'string') text = err;
    else text = String(err);
  } catch {
    text = `a thrown ${typeof err} that cannot be printed`;
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** `what` may be built from the arguments (e.g. the event's type), only when something failed. */
function labelFor<A extends unknown[]>(what: string | ((...args: A) => string), args: A): string {
  if (typeof what === 'string') return what;
  try {
    return what(...args);
  } catch {
    return 'a guarded callback';
  }
}

function report(logger: Pick<Logger, 'error'>, what: string, err: unknown): void {
  try {
    const stack = err instanceof Error ? err.stack?.slice(0, 4 * MAX_ERROR_CHARS) : undefined;
    logger.error(`${what} failed: ${describeError(err)}`, stack);
  } catch {
    // a logger that throws (closed stream…) must not undo the guard
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
