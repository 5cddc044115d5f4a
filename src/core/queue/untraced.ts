import type { QueueBase } from 'bullmq';

type Trace = QueueBase['trace'];

/**
 * BullMQ's `trace()` when no telemetry is configured (VX11 configures none): the callback
 * straight through, its result as a promise. BullMQ's own helper is an async function even
 * then — a promise and two microtask turns more around every add, fetch and processed job, each
 * a step for AsyncLocalStorage on Node 20 (bench/README.md item 32). With telemetry, `traced`
 * (BullMQ's) runs.
 */
export function traceUnlessTelemetry<T>(
  telemetry: unknown,
  traced: () => ReturnType<Trace>,
  callback: Parameters<Trace>[3],
): Promise<T | Promise<T>> {
  if (telemetry) return traced() as Promise<T | Promise<T>>;
  try {
    return Promise.resolve(callback() as T | Promise<T>);
  } catch (err) {
    return Promise.reject(err as Error);
  }
}
