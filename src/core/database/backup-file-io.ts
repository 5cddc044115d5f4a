import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync } from 'node:fs';
import { basename } from 'node:path';

/** The sidecar holding a backup's SHA-256, written once the backup is verified. */
export const checksumFile = (file: string) => `${file}.sha256`;

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** `sha256sum` format, so `sha256sum -c` works on the backups dir too. */
export function checksumLine(hex: string, file: string): string {
  return `${hex}  ${basename(file)}\n`;
}

/** Flushes a file's data to disk before it is renamed into place. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes renames inside `dir` durable (ignored where directories cannot be fsynced). */
export function fsyncDir(dir: string): void {
  try {
    fsyncFile(dir);
  } catch {
    /* not supported on this platform */
  }
}
