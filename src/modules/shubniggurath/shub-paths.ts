import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Where uploads wait for their job: <dataDir>/shub/tmp (private to VX11, like the data dir). */
export function shubTempDir(dataDir: string): string {
  return join(dataDir, 'shub', 'tmp');
}

/** Removes an upload's temp file; a file already gone is fine. */
export async function removeUpload(path: string | null): Promise<void> {
  if (path) await rm(path, { force: true });
}
