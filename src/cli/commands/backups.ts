import { CliContext, mib } from '../cli-context';
import { listBackups } from '../../modules/madre/maintenance/backup-rotation';

/** `vx11 backups`: kept backups (newest first), then archived ones. */
export function backupsCommand(ctx: CliContext): number {
  const backups = listBackups(ctx.paths);
  if (backups.length === 0) {
    ctx.out(`no backups in ${ctx.paths.backupsDir}`);
    return 0;
  }
  ctx.out(
    `backups in ${ctx.paths.backupsDir} (keeping the newest ${ctx.config.maintenance.keepBackups})`,
  );
  for (const b of backups) {
    ctx.out(
      `  ${b.location.padEnd(8)} ${b.name.padEnd(30)} ${mib(b.bytes).padStart(11)}  ${b.created_at}${b.has_checksum ? '' : '  (no checksum)'}`,
    );
  }
  return 0;
}
