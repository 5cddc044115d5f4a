import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write';

/** What a running server writes to <dataDir>/vx11.pid (no secrets). */
export interface ServerLock {
  pid: number;
  /** Random per server instance, so a server only ever removes its own lock. */
  instance: string;
  started_at: string;
  host: string;
  /** The configured port, replaced by the real one once the server listens. */
  port: number;
}

export function readServerLock(file: string): ServerLock | null {
  if (!existsSync(file)) return null;
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as ServerLock;
    return Number.isInteger(lock.pid) && lock.pid > 0 ? lock : null;
  } catch {
    return null; // half-written or edited by hand: treat as absent
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a server that is running now, or null (none, or a stale one left by a crash). */
export function runningServer(file: string): ServerLock | null {
  const lock = readServerLock(file);
  return lock && pidAlive(lock.pid) ? lock : null;
}

export function writeServerLock(file: string, lock: ServerLock): void {
  writeFileAtomic(file, `${JSON.stringify(lock)}\n`);
}

/** Removes the lock only if it is still this instance's. */
export function removeServerLock(file: string, instance: string): void {
  if (readServerLock(file)?.instance === instance) rmSync(file, { force: true });
}
