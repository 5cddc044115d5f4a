import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { ActionPlan, HormigueroAction, onlyParams } from './action';

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * wal_checkpoint: `PRAGMA wal_checkpoint(TRUNCATE)` — the WAL's pages written back into the
 * database file and the WAL truncated to zero bytes (unless a reader holds it: `busy`).
 */
export class WalCheckpointAction implements HormigueroAction {
  readonly name = 'wal_checkpoint' as const;

  constructor(
    private readonly db: () => Database.Database,
    private readonly dbFile: string,
  ) {}

  async preview(params: Record<string, unknown>): Promise<ActionPlan> {
    onlyParams(this.name, params, []);
    const wal = `${this.dbFile}-wal`;
    const walBytes = sizeOf(wal);
    return {
      summary: `checkpoint the WAL (${walBytes} bytes) into the database and truncate it`,
      files: [
        { file: wal, bytes: walBytes, change: 'truncate to 0 bytes' },
        { file: this.dbFile, bytes: sizeOf(this.dbFile), change: 'receives the WAL pages' },
      ],
      bytes: walBytes,
      rows: 0,
      detail: { mode: 'TRUNCATE' },
    };
  }

  async apply(): Promise<Record<string, unknown>> {
    const wal = `${this.dbFile}-wal`;
    const before = sizeOf(wal);
    const [row] = this.db().pragma('wal_checkpoint(TRUNCATE)') as Array<{
      busy: number;
      log: number;
      checkpointed: number;
    }>;
    return {
      mode: 'TRUNCATE',
      busy: row?.busy === 1,
      wal_frames: row?.log ?? null,
      checkpointed_frames: row?.checkpointed ?? null,
      wal_bytes_before: before,
      wal_bytes_after: sizeOf(wal),
      db_bytes_after: sizeOf(this.dbFile),
    };
  }
}
