/**
 * BullMQ's `jobScheduler` and `repeat` getters (on a queue and on a worker) await the connection
 * inside a promise executor. When that connection failed to start (Redis died while it was
 * connecting) the rejection has no handler, which ends a Node process, and the getter's promise
 * never settles, so a scheduler upsert waits for good. Awaiting the connection first makes its
 * failure the caller's rejection; once it has started, BullMQ's own await finds it resolved.
 */
export function afterConnectionStarts<T>(
  connection: Promise<unknown>,
  get: () => Promise<T>,
): Promise<T> {
  return connection.then(get);
}
