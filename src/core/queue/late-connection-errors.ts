import { RedisConnection } from 'bullmq';
import { EventEmitter } from 'node:events';

let installed = false;

/**
 * BullMQ's connection re-emits a failed start (`init()` rejecting: the socket broke while it was
 * connecting) as an 'error' event, from a promise handler, even after close() removed every
 * listener — e.g. a worker force-closed while Redis is coming back. An EventEmitter with no
 * 'error' listener throws, so that became an unhandled rejection, which ends a Node process.
 * Once nobody listens (the connection was closed, its queue or worker gone) such an error is
 * dropped; while anyone listens it is delivered as before. Installed once, for every connection.
 */
export function dropLateConnectionErrors(): void {
  if (installed) return;
  installed = true;
  const emit = RedisConnection.prototype.emit;
  RedisConnection.prototype.emit = function emitUnlessClosed(
    this: EventEmitter,
    event: string | symbol,
    ...args: unknown[]
  ): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return emit.call(this, event, ...args);
  };
}
