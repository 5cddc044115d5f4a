import { CliContext, CliError, operatorToken } from './cli-context';
import { runningServer, ServerLock } from '../modules/madre/maintenance/server-lock';

const REQUEST_TIMEOUT_MS = 5000;

/** The server running on this data dir, if any (from its lock file and a live pid). */
export function serverOnDataDir(ctx: CliContext): ServerLock | null {
  const lock = runningServer(ctx.paths.lockFile);
  return lock && lock.pid !== process.pid ? lock : null;
}

function baseUrl(lock: ServerLock): string {
  const host = ['0.0.0.0', '::', ''].includes(lock.host) ? '127.0.0.1' : lock.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${lock.port}`;
}

/** Calls the running server with the operator token; the token is never printed. */
export async function callServer(
  ctx: CliContext,
  lock: ServerLock,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = operatorToken(ctx);
  let response: Response;
  try {
    response = await fetch(`${baseUrl(lock)}${path}`, {
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
      `VX11 (pid ${lock.pid}) did not answer at ${baseUrl(lock)}: ${(err as Error).message}`,
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
