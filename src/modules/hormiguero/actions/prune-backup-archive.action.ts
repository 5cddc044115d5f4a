import { existsSync, rmSync, statSync } from 'node:fs';
import type { AppConfig } from '../../../core/config/app-config';
import { checksumFile } from '../../../core/database/backup-file-io';
import { listBackups } from '../../madre/maintenance/backup-rotation';
import { dataPaths } from '../../madre/maintenance/data-paths';
import { ActionPlan, HormigueroAction, intParam, onlyParams } from './action';

const DAY_MS = 24 * 3600 * 1000;

/**
 * prune_backup_archive: archived backups (data/backups/archived/) older than `older_than_days`
 * (default retentionDays.backups_archive) deleted with their checksum files. Kept backups are
 * never touched.
 */
export class PruneBackupArchiveAction implements HormigueroAction {
  readonly name = 'prune_backup_archive' as const;

  constructor(private readonly config: AppConfig) {}

  async preview(params: Record<string, unknown>): Promise<ActionPlan> {
    onlyParams(this.name, params, ['older_than_days']);
    const days = intParam(
      this.name,
      params,
      'older_than_days',
      this.config.retentionDays.backups_archive,
      0,
      3650,
    );
    const cutoff = new Date(Date.now() - days * DAY_MS).toISOString();
    const old = listBackups(dataPaths(this.config.dataDir)).filter(
      (b) => b.location === 'archived' && b.created_at < cutoff,
    );
    const files = old.flatMap((b) => {
      const sidecar = checksumFile(b.file);
      return [
        { file: b.file, bytes: b.bytes, change: 'delete' },
        ...(existsSync(sidecar)
          ? [{ file: sidecar, bytes: statSync(sidecar).size, change: 'delete' }]
          : []),
      ];
    });
    return {
      summary: `delete ${old.length} archived backups older than ${days} days`,
      files,
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      rows: 0,
      detail: { cutoff, older_than_days: days },
    };
  }

  /** Deletes exactly the previewed files that are still there. */
  async apply(plan: ActionPlan): Promise<Record<string, unknown>> {
    const deleted: Array<{ file: string; bytes: number }> = [];
    const missing: string[] = [];
    for (const f of plan.files) {
      if (!existsSync(f.file)) {
        missing.push(f.file);
        continue;
      }
      const bytes = statSync(f.file).size;
      rmSync(f.file, { force: true });
      deleted.push({ file: f.file, bytes });
    }
    return { deleted, missing, bytes: deleted.reduce((s, f) => s + f.bytes, 0) };
  }
}
