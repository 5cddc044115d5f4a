import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { CliContext, CliError, humanLog, openDatabase, requireDatabase } from '../cli-context';
import { callServer, claimForCommand, dataDirUser, describeUser } from '../server-client';
import { printReport } from './report-printer';
import type { DataDirHolder } from '../../core/database/data-dir-lock';
import type { BackupRun } from '../../modules/madre/maintenance/backup-run-record';
import { runMaintenance } from '../../modules/madre/maintenance/maintenance-steps';
import { tableExists } from '../../modules/madre/maintenance/sqlite-checks';

type ServerHolder = DataDirHolder & { port: number };

const POLL_MS = 1000;
const GIVE_UP_MS = 30 * 60_000;

/** Through the running server, so its queue, run history and events see the run. */
async function viaServer(ctx: CliContext, lock: ServerHolder, applyRetention: boolean) {
  const path = '/madre/power/maintenance/post_task';
  let res = await callServer(
    ctx,
    lock,
    'POST',
    path,
    {
      apply_retention: applyRetention,
      reason: 'vx11 maintenance (cli)',
    },
    ctx.config.maintenance.waitMs + 10_000,
  );
  if (res.status === 401 || res.status === 403) {
    throw new CliError('The server refused the token: set VX11_TOKEN or check data/.vx11_token');
  }
  const deadline = Date.now() + GIVE_UP_MS;
  while (res.status === 202 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    res = await callServer(
      ctx,
      lock,
      'GET',
      `/madre/power/maintenance/jobs/${String(res.body.job_id)}`,
    );
    if (res.status === 200 && (res.body.status === 'queued' || res.body.status === 'running')) {
      res = { ...res, status: 202 };
    }
  }
  if (res.status !== 200) {
    throw new CliError(
      `The server answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`,
    );
  }
  return res.body;
}

function recordOffline(db: Database.Database, row: Record<string, unknown>): void {
  if (!tableExists(db, 'maintenance_runs')) return;
  db.prepare(
    `INSERT INTO maintenance_runs (id, status, returncode, source, reason, apply_retention,
       requested_at, started_at, finished_at, report, error, correlation_id)
     VALUES (@id, @status, @returncode, 'cli', @reason, @apply_retention, @requested_at,
       @started_at, @finished_at, @report, NULL, NULL)`,
  ).run(row);
}

/** `vx11 maintenance [--retention]`: the full run, via the server or on a stopped one's DB. */
export async function maintenanceCommand(ctx: CliContext, args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--retention');
  if (unknown.length > 0)
    throw new CliError(`unknown option ${unknown[0]}; usage: vx11 maintenance [--retention]`, 2);
  const applyRetention = args.includes('--retention');
  const user = await dataDirUser(ctx);
  if (user?.kind === 'server') {
    const body = await viaServer(ctx, user.holder, applyRetention);
    printReport(
      ctx,
      `maintenance run ${String(body.job_id)} (by the server, pid ${user.holder.pid}): ${String(body.status)}, returncode ${String(body.returncode)}`,
      body.report as never,
    );
    return body.returncode === 0 ? 0 : 1;
  }
  if (user) throw new CliError(`${describeUser(ctx, user)}; run maintenance again when it is done`);
  requireDatabase(ctx);
  // no server: this command has the data dir to itself until it is done
  const hold = await claimForCommand(ctx, 'maintenance', 'Cannot run maintenance');
  try {
    return await offline(ctx, applyRetention);
  } finally {
    hold.release();
  }
}

/** The run on a stopped server's database, recorded there like the server records its runs. */
async function offline(ctx: CliContext, applyRetention: boolean): Promise<number> {
  const db = openDatabase(ctx);
  try {
    const requestedAt = new Date().toISOString();
    const run: BackupRun = {
      id: randomUUID(),
      source: 'cli',
      reason: 'vx11 maintenance (cli, server stopped)',
      apply_retention: applyRetention,
      requested_at: requestedAt,
      correlation_id: null,
    };
    const report = await runMaintenance({
      db,
      paths: ctx.paths,
      keepBackups: ctx.config.maintenance.keepBackups,
      retentionDays: ctx.config.retentionDays,
      retentionOverBytes: ctx.config.maintenance.retentionOverBytes,
      applyRetention,
      singleStepBackup: true,
      archiveMaxBytes: ctx.config.maintenance.archiveMaxBytes,
      minFreeDiskBytes: ctx.config.maintenance.minFreeDiskBytes,
      run,
    });
    const id = run.id;
    recordOffline(db, {
      id,
      status: report.status,
      returncode: report.returncode,
      reason: run.reason,
      apply_retention: applyRetention ? 1 : 0,
      requested_at: requestedAt,
      started_at: report.started_at,
      finished_at: report.finished_at,
      report: JSON.stringify(report.steps),
    });
    printReport(
      ctx,
      `maintenance run ${id} (offline): ${report.status}, returncode ${report.returncode}`,
      report.steps,
    );
    humanLog(
      ctx,
      'architect',
      report.status === 'ok' ? 'MAINTENANCE' : 'MAINTENANCE FAILED',
      `run ${id} ${report.status} (cli, server stopped) in ${report.duration_ms} ms`,
    );
    return report.returncode;
  } finally {
    db.close();
  }
}
