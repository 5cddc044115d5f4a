import { RedisConnection, type RawCommand } from 'bullmq';

/**
 * BullMQ's Lua scripts as it ships them (name, Lua text, number of keys). bullmq has no exports
 * map, and its worker classes load these from the same path.
 */
const bullmqScripts = require('bullmq/dist/cjs/scripts') as Record<string, RawCommand>;

const PREPARE_FUNCTION = 'local function prepareJobForProcessing(';
const ACTIVE_MARKER = '  addBaseMarkerIfNeeded(markerKey, false)\n';
const NO_ACTIVE_MARKER =
  '  -- VX11: no wake-up marker for a job just taken (worker-connection.ts)\n';

/**
 * A script with the line that re-arms the queue's wake-up marker removed from the function
 * that moves a job to active; `undefined` when the script has no such line.
 */
export function withoutActiveMarker(lua: string): string | undefined {
  const start = lua.indexOf(PREPARE_FUNCTION);
  if (start === -1) return undefined;
  const end = lua.indexOf('\nend\n', start);
  const marker = lua.indexOf(ACTIVE_MARKER, start);
  if (end === -1 || marker === -1 || marker > end) return undefined;
  return lua.slice(0, marker) + NO_ACTIVE_MARKER + lua.slice(marker + ACTIVE_MARKER.length);
}

/** BullMQ's scripts, with the wake-up marker left out wherever a job is moved to active. */
export const WORKER_SCRIPTS: Record<string, RawCommand> = Object.fromEntries(
  Object.entries(bullmqScripts).map(([key, script]) => {
    const content = withoutActiveMarker(script.content);
    return [key, content === undefined ? script : { ...script, content }];
  }),
);

/**
 * The connection of VX11's workers. Each time BullMQ moves a job to active it also adds the
 * queue's wake-up marker, so that other workers blocked on the queue look for more jobs. VX11
 * runs one worker per queue, which already looks for the next job itself (it fetches until it
 * finds none, then blocks): the marker only woke that same worker once more after every job,
 * to find nothing — two Redis round trips per job (a BZPOPMIN and a move-to-active) for
 * nothing. Jobs added, retried, promoted or moved back from stalled still set the marker, so a
 * blocked worker wakes for every job that arrives.
 */
export class WorkerConnection extends RedisConnection {
  protected override loadCommands(
    packageVersion: string,
    providedScripts?: Record<string, RawCommand>,
  ): void {
    super.loadCommands(packageVersion, providedScripts ?? WORKER_SCRIPTS);
  }
}
