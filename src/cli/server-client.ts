import { CliContext, CliError, operatorToken } from './cli-context';
import {
  DataDirHold,
  DataDirHolder,
  DataDirInUseError,
  DataDirRole,
  dataDirState,
  describeHolder,
} from '../core/database/data-dir-lock';
import { claimDataDir, serverWithoutLock } from '../modules/madre/maintenance/server-lock';

const REQUEST_TIMEOUT_MS = 5000;

/** Another process using this data dir: a server (reachable at holder.port) or something else. */
export type DataDirUser =
  | { kind: 'server'; holder: DataDirHolder & { port: number }; locked: boolean }
  /** `vx11 restore`/`maintenance`, or a holder vx11.pid does not name yet (a server starting). */
  | { kind: 'other'; holder: DataDirHolder | null };

/**
 * Who uses the data dir now: the holder of its lock, or else an older VX11 that took no lock
 * but whose vx11.pid names a live process whose port answers. Null: nobody.
 */
export async function dataDirUser(ctx: CliContext): Promise<DataDirUser | null> {
  const state = dataDirState(ctx.paths.dataDir);
  if (state.state === 'held') {
    const holder = state.holder;
    return holder?.role === 'server' && holder.port
      ? { kind: 'server', holder: { ...holder, port: holder.port }, locked: true }
      : { kind: 'other', holder };
  }
  if (state.state === 'held-here') return null;
  const unlocked = await serverWithoutLock(ctx.paths.dataDir);
  return unlocked?.port
    ? {
        kind: 'server',
        holder: { ...unlocked, role: 'server', port: unlocked.port },
        locked: false,
      }
    : null;
}

/** "VX11 is running on <dir> (pid …)" and the like, for refusals and status. */
export function describeUser(ctx: CliContext, user: DataDirUser): string {
  if (user.kind === 'server') {
    const { pid, started_at, port } = user.holder;
    return `VX11 is running on ${ctx.config.dataDir} (pid ${pid}, started ${started_at}, port ${port})`;
  }
  return user.holder
    ? `${describeHolder(user.holder)} is using ${ctx.config.dataDir}`
    : `${ctx.config.dataDir} is in use by another process (${ctx.paths.lockFile} is locked and ` +
        `${ctx.paths.pidFile} names no live process yet: a server may be starting)`;
}

/**
 * Takes the data dir for a command that changes it on a stopped server (restore, maintenance),
 * until `release()`; `refusal` prefixes the error when another process has it.
 */
export async function claimForCommand(
  ctx: CliContext,
  role: DataDirRole,
  refusal: string,
): Promise<DataDirHold> {
  try {
    return await claimDataDir(ctx.paths.dataDir, role);
  } catch (err) {
    if (err instanceof DataDirInUseError) throw new CliError(`${refusal}: ${err.message}`);
    throw err;
  }
}

function baseUrl(holder: DataDirHolder & { port: number }): string {
  const host = !holder.host || ['0.0.0.0', '::'].includes(holder.host) ? '127.0.0.1' : holder.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${holder.port}`;
}

/** Calls the running server with the operator token; the token is never printed. */
export async function callServer(
  ctx: CliContext,
  holder: DataDirHolder & { port: number },
  method: 'GET' | 'POST',
  path: string,
  body?: object,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = operatorToken(ctx);
  let response: Response;
  try {
    response = await fetch(`${baseUrl(holder)}${path}`, {
      method,
      headers: {
        ...(token ? { 'x-vx11-token': token } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new CliError(
      `VX11 (pid ${holder.pid}) did not answer at ${baseUrl(holder)}: ${(err as Error).message}`,
    );
  }
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed };
}
