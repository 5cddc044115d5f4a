import { existsSync } from 'node:fs';
import { CliContext, mib, openDatabase } from '../cli-context';
import { callServer, dataDirUser, describeUser } from '../server-client';
import { listBackups } from '../../modules/madre/maintenance/backup-rotation';
import { databaseBytes } from '../../modules/madre/maintenance/maintenance-steps';
import { tableExists } from '../../modules/madre/maintenance/sqlite-checks';

const ago = (iso: string) => `${Math.round((Date.now() - Date.parse(iso)) / 1000)} s ago`;

/**
 * `vx11 status`: is the server up (it holds the data dir's lock; an older VX11 without the lock:
 * its pid is alive and its port answers), and what the data dir says (no secrets).
 */
export async function statusCommand(ctx: CliContext): Promise<number> {
  const user = await dataDirUser(ctx);
  if (user?.kind === 'server') {
    const { holder } = user;
    ctx.out(
      `server: running (pid ${holder.pid}, since ${holder.started_at}, port ${holder.port}${user.locked ? '' : '; it holds no data-dir lock: an older VX11?'})`,
    );
    try {
      const res = await callServer(ctx, holder, 'GET', '/vx11/status');
      const modules = Object.entries((res.body.modules as Record<string, string>) ?? {})
        .map(([name, state]) => `${name}=${state}`)
        .join(' ');
      ctx.out(
        `  status ${String(res.body.status)}, mode ${String(res.body.mode)}, policy ${String(res.body.policy)}`,
      );
      ctx.out(`  modules ${modules}`);
    } catch (err) {
      ctx.out(`  not answering over HTTP: ${(err as Error).message}`);
    }
  } else if (user) {
    const starting = !user.holder || user.holder.role === 'server';
    ctx.out(`server: ${starting ? 'starting' : 'not running'} (${describeUser(ctx, user)})`);
  } else {
    ctx.out('server: not running on this data dir');
  }
  ctx.out(`data dir: ${ctx.config.dataDir}`);
  if (!existsSync(ctx.paths.dbFile)) {
    ctx.out('database: none yet');
    return 0;
  }
  const size = databaseBytes(ctx.paths);
  ctx.out(`database: ${ctx.paths.dbFile} (${mib(size.db)} + ${mib(size.wal)} WAL)`);
  const backups = listBackups(ctx.paths);
  const kept = backups.filter((b) => b.location === 'kept');
  ctx.out(
    `backups: ${kept.length} kept, ${backups.length - kept.length} archived${kept[0] ? `; newest ${kept[0].name} (${ago(kept[0].created_at)})` : ''}`,
  );
  const db = openDatabase(ctx, { readonly: true });
  try {
    if (tableExists(db, 'incidents')) {
      const open = db
        .prepare("SELECT COUNT(*) FROM incidents WHERE status != 'resolved'")
        .pluck()
        .get();
      ctx.out(`incidents: ${String(open)} unresolved`);
    }
    if (tableExists(db, 'maintenance_runs')) {
      const last = db
        .prepare(
          'SELECT id, status, finished_at FROM maintenance_runs ORDER BY requested_at DESC LIMIT 1',
        )
        .get() as { id: string; status: string; finished_at: string | null } | undefined;
      ctx.out(
        last
          ? `last maintenance: ${last.status} (${last.id}${last.finished_at ? `, ${ago(last.finished_at)}` : ''})`
          : 'last maintenance: none',
      );
    }
  } finally {
    db.close();
  }
  return 0;
}
