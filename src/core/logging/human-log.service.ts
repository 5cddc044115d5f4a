import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../database/file-modes';

/** The three human-readable logs of CONTRACT §2. */
export type HumanLogName = 'architect' | 'health_monitor' | 'alerts';

/** One line in the human format: `[ISO-8601] EVENT: message`. */
export function formatHumanLine(event: string, message: string, at: Date = new Date()): string {
  const oneLine = message.replace(/\r?\n/g, ' ');
  return `[${at.toISOString()}] ${event}: ${oneLine}\n`;
}

/** Appends to logs/<name>.log through one ordered stream per file. */
@Injectable()
export class HumanLogService implements OnApplicationShutdown {
  private readonly streams = new Map<HumanLogName, WriteStream>();

  constructor(private readonly config: AppConfig) {}

  path(name: HumanLogName): string {
    return join(this.config.logsDir, `${name}.log`);
  }

  write(name: HumanLogName, event: string, message: string): void {
    this.stream(name).write(formatHumanLine(event, message));
  }

  async onApplicationShutdown(): Promise<void> {
    const streams = [...this.streams.values()];
    this.streams.clear();
    await Promise.all(streams.map((s) => new Promise<void>((resolve) => s.end(resolve))));
  }

  private stream(name: HumanLogName): WriteStream {
    let stream = this.streams.get(name);
    if (!stream) {
      // events and chat decisions: owner-only, also when the file or dir was already there
      ensurePrivateDir(this.config.logsDir);
      makePrivate(this.path(name), PRIVATE_FILE_MODE);
      stream = createWriteStream(this.path(name), { flags: 'a', mode: PRIVATE_FILE_MODE });
      stream.on('error', () => undefined); // a full disk must not crash the process
      this.streams.set(name, stream);
    }
    return stream;
  }
}
