import { connect } from 'node:net';
import { join } from 'node:path';
import type { AppConfig } from '../../../core/config/app-config';
import {
  DataDirHold,
  DataDirHolder,
  DataDirInUseError,
  DataDirRole,
  dataDirState,
  holdDataDir,
  pidAlive,
  readDataDirHolder,
} from '../../../core/database/data-dir-lock';
import {
  ensurePrivateDir,
  makeTreePrivate,
  restrictUmask,
} from '../../../core/database/file-modes';

const PORT_PROBE_MS = 1000;

/** Whether something accepts TCP connections at host:port (a wildcard host means loopback). */
export function portAnswers(host: string | undefined, port: number, timeoutMs = PORT_PROBE_MS) {
  const target = !host || ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: target, port, timeout: timeoutMs });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * A server that uses the data dir without holding its lock: an older VX11 that only wrote
 * vx11.pid. Its pid must be alive and its port must answer (a recycled pid alone proves nothing).
 */
export async function serverWithoutLock(dataDir: string): Promise<DataDirHolder | null> {
  const holder = readDataDirHolder(dataDir);
  if (!holder || holder.pid === process.pid || !pidAlive(holder.pid) || !holder.port) return null;
  if (dataDirState(dataDir).state !== 'free') return null;
  return (await portAnswers(holder.host, holder.port)) ? holder : null;
}

/** Takes the data dir for a CLI command, or throws DataDirInUseError naming who has it. */
export async function claimDataDir(dataDir: string, role: DataDirRole): Promise<DataDirHold> {
  const unlocked = await serverWithoutLock(dataDir);
  if (unlocked) throw new DataDirInUseError(dataDir, { ...unlocked, role: 'server' });
  return holdDataDir(dataDir, { role });
}

/**
 * main.ts, first thing: owner-only file modes from here on, then the data dir for this server
 * alone. A data dir in use refuses the start at once, before anything in it is touched (no
 * token written, no migration, no vx11.pid). The hold lasts as long as the process.
 */
export async function claimDataDirOrExit(config: AppConfig): Promise<DataDirHold> {
  restrictUmask();
  try {
    const unlocked = await serverWithoutLock(config.dataDir);
    if (unlocked) throw new DataDirInUseError(config.dataDir, { ...unlocked, role: 'server' });
    const hold = holdDataDir(config.dataDir, {
      role: 'server',
      host: config.host,
      port: config.port,
    });
    // what an older version or a looser umask left readable
    makeTreePrivate(hold.dataDir, 1);
    makeTreePrivate(join(hold.dataDir, 'backups'), 3);
    ensurePrivateDir(config.logsDir);
    makeTreePrivate(config.logsDir, 1);
    return hold;
  } catch (err) {
    if (!(err instanceof DataDirInUseError)) throw err;
    console.error(
      JSON.stringify({
        level: 'fatal',
        msg: `Refusing to start: ${err.message}. Stop it first, or give this server its own VX11_DATA_DIR.`,
      }),
    );
    process.exit(1);
  }
}
