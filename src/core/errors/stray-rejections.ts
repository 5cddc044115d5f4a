import { describeError } from '../util/guarded';

/** Longest stack written per rejection: the reason may carry attacker input. */
const MAX_STACK_CHARS = 2000;

let strayRejections = 0;

/** Rejections nobody handled since the process started (each one is a bug). */
export function strayRejectionCount(): number {
  return strayRejections;
}

/**
 * The process-level listener for a promise rejection nobody handled. Node's default ends the
 * process on one, which drops every chat, stream, feed and job in flight for all clients: one
 * library's stray rejection (e.g. BullMQ's, on a connection that failed to start) must not do
 * that. Each one is logged with its stack and counted (vx11_unhandled_rejections_total, which an
 * alert rule watches) so it gets fixed, and VX11 keeps serving. Uncaught exceptions still end
 * the process: a throw that unwound a callback halfway may have left its state half-done.
 */
export function onStrayRejection(log: (message: string, stack?: string) => void) {
  return (reason: unknown): void => {
    strayRejections += 1;
    try {
      const stack = reason instanceof Error ? reason.stack?.slice(0, MAX_STACK_CHARS) : undefined;
      log(`Unhandled promise rejection (VX11 keeps serving): ${describeError(reason)}`, stack);
    } catch {
      // a logger that throws must not turn this into the crash it prevents
    }
  };
}
