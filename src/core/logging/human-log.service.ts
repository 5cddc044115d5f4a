import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  closeSync,
  createWriteStream,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  WriteStream,
} from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../database/file-modes';
import {
  archivePath,
  compressArchive,
  expiredArchives,
  HUMAN_LOGS,
  LogArchive,
  LogRotationPolicy,
  listArchives,
  RotationReason,
  rotationDue,
  utcDay,
} from './log-rotation';

/** The three human-readable logs of CONTRACT §2. */
export type HumanLogName = (typeof HUMAN_LOGS)[number];

/** One line in the human format: `[ISO-8601] EVENT: message`. */
export function formatHumanLine(event: string, message: string, at: Date = new Date()): string {
  const oneLine = message.replace(/\r?\n/g, ' ');
  return `[${at.toISOString()}] ${event}: ${oneLine}\n`;
}

/** A live log as it stands, and whether the policy wants it rotated now. */
export interface HumanLogState {
  log: HumanLogName;
  file: string;
  exists: boolean;
  bytes: number;
  first_line_day: string | null;
  due: RotationReason | null;
}

/** One rotation: the live log renamed to `archive` (gzipped in the background to `archive.gz`). */
export interface RotatedLog {
  log: HumanLogName;
  archive: string;
  bytes: number;
  reason: RotationReason;
  rotated_at: string;
}

interface OpenLog {
  stream: WriteStream;
  /** Bytes in the file: its size when opened plus every line written since. */
  bytes: number;
  /** The UTC day of the file's first line (null while empty). */
  day: string | null;
}

/** How often the policy is checked without writes (midnight rollover, expired archives). */
const CHECK_EVERY_MS = 60_000;

/**
 * Appends to logs/<name>.log through one ordered stream per file, and rotates the files itself
 * (issue 19 §6): at the first write of a new UTC day, past `logs.maxBytes`, or when asked (the
 * hormiguero `rotate_logs` action); archives are gzipped and deleted after `logs.keepDays`.
 *
 * Never losing a line: the stream writes through a file descriptor opened synchronously, and
 * rotation renames the file under it in the same turn of the event loop in which the next write
 * switches to a fresh file. Lines queued on the old stream land in the renamed file (same inode);
 * lines written after land in the new one; the old stream is ended, then compressed.
 */
@Injectable()
export class HumanLogService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('HumanLog');
  private readonly open = new Map<HumanLogName, OpenLog>();
  private readonly background = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  get policy(): LogRotationPolicy {
    return { keepDays: this.config.logs.keepDays, maxBytes: this.config.logs.maxBytes };
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      try {
        this.housekeep();
      } catch (err) {
        this.logger.warn(`log rotation check failed: ${(err as Error).message}`);
      }
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  path(name: HumanLogName): string {
    return join(this.config.logsDir, `${name}.log`);
  }

  write(name: HumanLogName, event: string, message: string): void {
    if (this.closed) return;
    const now = new Date();
    const line = formatHumanLine(event, message, now);
    let log = this.stream(name);
    const due = rotationDue(log.bytes, log.day, this.policy, now);
    if (due) {
      this.rotateOpen(name, due, now);
      log = this.stream(name);
    }
    log.stream.write(line);
    log.bytes += Buffer.byteLength(line);
    log.day ??= utcDay(now);
  }

  /** Every human log as it stands, with the rotation the policy wants for it. */
  inspect(now: Date = new Date()): HumanLogState[] {
    return HUMAN_LOGS.map((log) => {
      const file = this.path(log);
      const live = this.open.get(log);
      const exists = existsSync(file);
      const bytes = live?.bytes ?? (exists ? safeSize(file) : 0);
      const day = live ? live.day : exists ? readFirstLineDay(file) : null;
      return {
        log,
        file,
        exists,
        bytes,
        first_line_day: day,
        due: rotationDue(bytes, day, this.policy, now),
      };
    });
  }

  /** Rotated logs in the logs dir, oldest first. */
  archives(): LogArchive[] {
    return listArchives(this.config.logsDir);
  }

  /** Archives older than `logs.keepDays`: what the next prune deletes. */
  expired(now: Date = new Date()): LogArchive[] {
    return expiredArchives(this.config.logsDir, this.config.logs.keepDays, now);
  }

  /**
   * Rotates the named logs now (all non-empty ones by default; an empty or missing one is
   * skipped), whatever the policy says. Answers what was rotated.
   */
  rotate(names: readonly HumanLogName[] = HUMAN_LOGS, reason: RotationReason = 'requested') {
    const now = new Date();
    const rotated: RotatedLog[] = [];
    for (const name of names) {
      const r = this.rotateOpen(name, reason, now);
      if (r) rotated.push(r);
    }
    return rotated;
  }

  /** Rotates what the policy says is due and deletes expired archives. */
  housekeep(now: Date = new Date()): { rotated: RotatedLog[]; deleted: LogArchive[] } {
    const rotated: RotatedLog[] = [];
    for (const state of this.inspect(now)) {
      if (!state.due) continue;
      const r = this.rotateOpen(state.log, state.due, now);
      if (r) rotated.push(r);
    }
    return { rotated, deleted: this.prune(now) };
  }

  /** Deletes archives older than `logs.keepDays`; answers those deleted. */
  prune(now: Date = new Date()): LogArchive[] {
    const deleted: LogArchive[] = [];
    for (const archive of this.expired(now)) {
      try {
        rmSync(archive.file, { force: true });
        deleted.push(archive);
      } catch (err) {
        this.logger.warn(`could not delete ${archive.file}: ${(err as Error).message}`);
      }
    }
    return deleted;
  }

  /** Resolves once every rotated log is flushed and compressed. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const logs = [...this.open.values()];
    this.open.clear();
    await Promise.all(logs.map((l) => new Promise<void>((resolve) => l.stream.end(resolve))));
    await this.idle();
  }

  /**
   * Renames the live file to its archive name and retires its stream; the next write opens a
   * new file. Synchronous up to the rename, so no write can slip between the two.
   */
  private rotateOpen(name: HumanLogName, reason: RotationReason, now: Date): RotatedLog | null {
    const file = this.path(name);
    const live = this.open.get(name);
    const bytes = live?.bytes ?? (existsSync(file) ? safeSize(file) : 0);
    if (bytes === 0) return null;
    const archive = archivePath(this.config.logsDir, name, now);
    try {
      renameSync(file, archive);
    } catch (err) {
      this.logger.warn(`could not rotate ${file}: ${(err as Error).message}`);
      return null;
    }
    this.open.delete(name);
    const flushed = live
      ? new Promise<void>((resolve) => live.stream.end(resolve))
      : Promise.resolve();
    this.track(
      flushed
        .then(() => compressArchive(archive, PRIVATE_FILE_MODE))
        .catch((err: Error) =>
          this.logger.warn(`rotated log ${archive} kept uncompressed: ${err.message}`),
        ),
    );
    return { log: name, archive, bytes, reason, rotated_at: now.toISOString() };
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  private stream(name: HumanLogName): OpenLog {
    let log = this.open.get(name);
    if (!log) {
      // events and chat decisions: owner-only, also when the file or dir was already there
      ensurePrivateDir(this.config.logsDir);
      const file = this.path(name);
      makePrivate(file, PRIVATE_FILE_MODE);
      // Opened here, synchronously: the stream's writes follow this inode through a rename.
      const fd = openSync(file, 'a', PRIVATE_FILE_MODE);
      const bytes = fstatSync(fd).size;
      const stream = createWriteStream('', { fd, autoClose: true });
      stream.on('error', () => undefined); // a full disk must not crash the process
      log = { stream, bytes, day: bytes > 0 ? readFirstLineDay(file) : null };
      this.open.set(name, log);
    }
    return log;
  }
}

function safeSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The UTC day of a log's first line, read synchronously (null: empty or not a human line). */
function readFirstLineDay(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(32);
    const n = readSync(fd, buf, 0, 32, 0);
    const m = /^\[(\d{4}-\d\d-\d\d)T/.exec(buf.subarray(0, n).toString('utf8'));
    return m ? m[1] : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
