import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** The human logs VX11 writes and rotates itself (CONTRACT §2). */
export const HUMAN_LOGS = ['architect', 'health_monitor', 'alerts'] as const;

/** How the human logs are rotated: at UTC midnight, past a size, archives kept `keepDays`. */
export interface LogRotationPolicy {
  keepDays: number;
  maxBytes: number;
}

export type RotationReason = 'size' | 'daily' | 'requested';

/** A rotated log: `<name>.log.<UTC stamp>[-n][.gz]` beside the live one. */
export interface LogArchive {
  log: string;
  file: string;
  bytes: number;
  rotated_at: string;
  compressed: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const ARCHIVE = /^([a-z_]+)\.log\.(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)(?:-(\d+))?(\.gz)?$/;

/** `2026-11-30T23-15-00-123Z`: an ISO time that is a valid file name everywhere. */
export function archiveStamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

function stampTime(stamp: string): number {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/.exec(stamp);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : NaN;
}

/** The UTC day (YYYY-MM-DD) of a time. */
export const utcDay = (at: Date | number): string => new Date(at).toISOString().slice(0, 10);

/** Parses an archive's file name; null when it is not one. */
export function parseArchiveName(name: string): { log: string; at: number; gz: boolean } | null {
  const m = ARCHIVE.exec(name);
  if (!m) return null;
  const at = stampTime(m[2]);
  return Number.isNaN(at) ? null : { log: m[1], at, gz: m[4] !== undefined };
}

/** A free archive path for `<name>.log` rotated at `at` (a suffix when one exists already). */
export function archivePath(logsDir: string, name: string, at: Date): string {
  const base = join(logsDir, `${name}.log.${archiveStamp(at)}`);
  if (!existsSync(base) && !existsSync(`${base}.gz`)) return base;
  for (let n = 1; ; n++) {
    const candidate = `${base}-${n}`;
    if (!existsSync(candidate) && !existsSync(`${candidate}.gz`)) return candidate;
  }
}

/** Every archive in the logs dir (of the human logs), oldest first. */
export function listArchives(logsDir: string): LogArchive[] {
  if (!existsSync(logsDir)) return [];
  const archives: Array<LogArchive & { at: number }> = [];
  for (const name of readdirSync(logsDir)) {
    const parsed = parseArchiveName(name);
    if (!parsed || !(HUMAN_LOGS as readonly string[]).includes(parsed.log)) continue;
    const file = join(logsDir, name);
    let bytes: number;
    try {
      bytes = statSync(file).size;
    } catch {
      continue; // deleted meanwhile
    }
    archives.push({
      log: parsed.log,
      file,
      bytes,
      rotated_at: new Date(parsed.at).toISOString(),
      compressed: parsed.gz,
      at: parsed.at,
    });
  }
  return archives.sort((a, b) => a.at - b.at).map(({ at: _at, ...a }) => a);
}

/** Archives past the policy's age (by the time in their name). */
export function expiredArchives(
  logsDir: string,
  keepDays: number,
  now: Date = new Date(),
): LogArchive[] {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  return listArchives(logsDir).filter((a) => Date.parse(a.rotated_at) < cutoff);
}

/**
 * Whether a live log is due for rotation: it holds lines of an earlier UTC day (`daily`) or is
 * at least `maxBytes` long (`size`). An empty log is never due.
 */
export function rotationDue(
  bytes: number,
  firstLineDay: string | null,
  policy: LogRotationPolicy,
  now: Date = new Date(),
): RotationReason | null {
  if (bytes <= 0) return null;
  if (firstLineDay !== null && firstLineDay < utcDay(now)) return 'daily';
  if (bytes >= policy.maxBytes) return 'size';
  return null;
}

/**
 * Gzips `file` to `file.gz` (through a temp name, renamed into place) and removes `file`.
 * On failure the uncompressed archive stays, still an archive, and the error is thrown.
 */
export async function compressArchive(file: string, mode = 0o600): Promise<string> {
  const target = `${file}.gz`;
  const tmp = `${target}.tmp`;
  try {
    await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp, { mode }));
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await rm(file, { force: true });
  return target;
}
