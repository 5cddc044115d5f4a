import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  makePrivate,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
} from '../../../core/database/file-modes';

/** Writes via a temp file and a rename, so a reader never sees half a file. Owner-only. */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: PRIVATE_FILE_MODE });
  makePrivate(tmp); // a temp file left by a crash keeps its old mode otherwise
  renameSync(tmp, file);
}
