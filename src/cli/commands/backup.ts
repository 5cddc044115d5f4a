import { CliContext, CliError, humanLog, mib, openDatabase } from '../cli-context';
import { rotateBackups } from '../../modules/madre/maintenance/backup-rotation';
import { diskRoomForBackup } from '../../modules/madre/maintenance/disk-space';
import { databaseBytes } from '../../modules/madre/maintenance/maintenance-steps';
import { createVerifiedBackup } from '../../modules/madre/maintenance/online-backup';

/** `vx11 backup`: a verified online backup (safe while the server runs), then rotation. */
export async function backupCommand(ctx: CliContext): Promise<number> {
  const db = openDatabase(ctx);
  try {
    const size = databaseBytes(ctx.paths);
    const room = diskRoomForBackup(
      ctx.paths,
      size.db + size.wal,
      ctx.config.maintenance.minFreeDiskBytes,
    );
    if (!room.ok) throw new CliError(`Refusing to back up: ${room.error}`);
    const backup = await createVerifiedBackup(db, ctx.paths, { singleStep: true });
    const rotation = rotateBackups(ctx.paths, {
      keep: ctx.config.maintenance.keepBackups,
      archiveDays: ctx.config.retentionDays.backups_archive,
      archiveMaxBytes: ctx.config.maintenance.archiveMaxBytes,
    });
    ctx.out(`backup ${backup.file}`);
    ctx.out(`  ${mib(backup.bytes)}, ${backup.pages} pages, integrity_check ok`);
    ctx.out(`  sha256 ${backup.sha256}`);
    ctx.out(
      `rotation: kept ${rotation.kept.join(', ') || 'none'}; archived ${rotation.archived.join(', ') || 'none'}; deleted ${rotation.deleted.join(', ') || 'none'}`,
    );
    humanLog(ctx, 'architect', 'BACKUP', `${backup.name} verified (cli); sha256 ${backup.sha256}`);
    return 0;
  } finally {
    db.close();
  }
}
