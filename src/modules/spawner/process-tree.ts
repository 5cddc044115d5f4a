import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Every process of a run inherits this variable (unless it scrubs its environment): it finds a
 * run's processes that left its process group, e.g. a grandchild that called setsid().
 */
export const RUN_MARKER_ENV = 'VX11_SPAWNER_RUN';

/** One line of /proc/<pid>/stat, the fields a run's kill needs. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** R, S, D, Z (zombie), ... */
  state: string;
  /** Clock ticks after boot when the process started; with the boot id, names it uniquely. */
  startTicks: number;
}

/** The processes of one run: its group, its descendants, and whatever carries its marker. */
export interface RunTarget {
  runId: string;
  /** The run's process group id (= the pid of its first process). */
  pgid: number;
  /** Start time of that first process; only processes started since can belong to the run. */
  startTicks: number | null;
  /**
   * Whether `pgid` is known to still name the run's group: true while the first process is our
   * unreaped child, or when its start time matched after a restart. Otherwise only processes
   * that carry the run's marker are touched (the pid may belong to someone else by now).
   */
  trustGroup: boolean;
}

export function parseStat(text: string): ProcInfo | null {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (close < 0 || open < 0) return null;
  // Fields after "pid (comm)": state is field 3 of the man page, starttime field 22.
  const rest = text.slice(close + 2).split(' ');
  const startTicks = Number(rest[19]);
  if (rest.length < 20 || !Number.isFinite(startTicks)) return null;
  return {
    pid: Number(text.slice(0, open).trim()),
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    state: rest[0],
    startTicks,
  };
}

export function readProcStat(pid: number): ProcInfo | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

let cachedBootId: string | undefined;

/** This boot of the machine (start ticks restart at zero after a reboot). */
export function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = 'unknown-boot';
    }
  }
  return cachedBootId;
}

/** `<boot id>:<start ticks>` of a live pid, or null when it is gone. */
export function procStartOf(pid: number): string | null {
  const info = readProcStat(pid);
  return info ? `${bootId()}:${info.startTicks}` : null;
}

/** True while `pid` exists and is not a zombie (a zombie has exited; only its entry remains). */
export function isAlive(pid: number): boolean {
  const info = readProcStat(pid);
  return info !== null && info.state !== 'Z' && info.state !== 'X';
}

async function listProcesses(): Promise<ProcInfo[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const infos = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        try {
          return parseStat(await readFile(`/proc/${n}/stat`, 'utf8'));
        } catch {
          return null; // it exited while we looked
        }
      }),
  );
  return infos.filter((p): p is ProcInfo => p !== null && p.state !== 'Z' && p.state !== 'X');
}

async function carriesMarker(pid: number, marker: Buffer): Promise<boolean> {
  try {
    const environ = await readFile(`/proc/${pid}/environ`);
    return includesEntry(environ, marker);
  } catch {
    return false; // gone, or not ours to read
  }
}

function includesEntry(environ: Buffer, entry: Buffer): boolean {
  let at = environ.indexOf(entry);
  while (at >= 0) {
    const startsEntry = at === 0 || environ[at - 1] === 0;
    const endsEntry = at + entry.length === environ.length || environ[at + entry.length] === 0;
    if (startsEntry && endsEntry) return true;
    at = environ.indexOf(entry, at + 1);
  }
  return false;
}

/**
 * The live processes of a run: members of its group (when the group is trusted), any process
 * carrying its marker (a grandchild that left the group with setsid), and the descendants of
 * either. The server itself is never part of it.
 */
export async function runFamily(target: RunTarget): Promise<ProcInfo[]> {
  const procs = (await listProcesses()).filter((p) => p.pid !== process.pid);
  const candidates =
    target.startTicks === null ? procs : procs.filter((p) => p.startTicks >= target.startTicks!);
  const marker = Buffer.from(`${RUN_MARKER_ENV}=${target.runId}`);
  const family = new Map<number, ProcInfo>();
  for (const p of candidates) {
    if (target.trustGroup && p.pgrp === target.pgid) family.set(p.pid, p);
  }
  const marked = await Promise.all(
    candidates.map(async (p) =>
      !family.has(p.pid) && (await carriesMarker(p.pid, marker)) ? p : null,
    ),
  );
  for (const p of marked) if (p) family.set(p.pid, p);
  // Descendants whose parent is already in the family (they may have scrubbed the marker).
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of candidates) {
      if (!family.has(p.pid) && family.has(p.ppid)) {
        family.set(p.pid, p);
        grew = true;
      }
    }
  }
  return [...family.values()];
}

/**
 * Sends `signal` to every process of the run: the whole group at once (a fork in flight is
 * caught too), then each member outside the group. Returns the pids that were signalled.
 */
export async function signalRun(target: RunTarget, signal: NodeJS.Signals): Promise<number[]> {
  const family = await runFamily(target);
  if (target.trustGroup && family.some((p) => p.pgrp === target.pgid)) {
    trySignal(-target.pgid, signal);
  }
  for (const p of family)
    if (!target.trustGroup || p.pgrp !== target.pgid) trySignal(p.pid, signal);
  return family.map((p) => p.pid);
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: it ended between the scan and the signal.
  }
}
