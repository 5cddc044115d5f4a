import { Injectable, Logger } from '@nestjs/common';
import { withCorrelationId } from '../../core/correlation/correlation';
import { EventBus } from '../../core/events/event-bus.service';
import { HumanLogService } from '../../core/logging/human-log.service';
import { bootId, readProcStat, RunTarget, signalRun } from './process-tree';
import { SpawnerMetrics } from './spawner-metrics';
import { SpawnerRunEntity } from './spawner-run.entity';
import { SpawnerRunStore } from './spawner-run.store';

export interface RecoveredRun {
  run_id: string;
  pid: number | null;
  killed_pids: number[];
}

/**
 * Boot: a run still `pending`/`running` in the table belonged to a VX11 that died. It is marked
 * `killed` (`process_restarted`), and its processes, if any survived, are killed — the group
 * only if its leader is the very process the run started (same boot, same start time: a pid
 * may have been reused since), plus any process carrying the run's marker.
 */
@Injectable()
export class SpawnerRecovery {
  private readonly logger = new Logger('SpawnerRecovery');

  constructor(
    private readonly store: SpawnerRunStore,
    private readonly events: EventBus,
    private readonly metrics: SpawnerMetrics,
    private readonly humanLog: HumanLogService,
  ) {}

  async recover(): Promise<RecoveredRun[]> {
    const rows = await this.store.unfinished();
    const recovered: RecoveredRun[] = [];
    for (const row of rows) recovered.push(await this.recoverOne(row));
    return recovered;
  }

  private async recoverOne(row: SpawnerRunEntity): Promise<RecoveredRun> {
    const target = targetOf(row);
    const killed = target ? await signalRun(target, 'SIGKILL') : [];
    const now = new Date();
    const startedAt = row.started_at ? Date.parse(row.started_at) : null;
    const patch: Partial<SpawnerRunEntity> = {
      status: 'killed',
      kill_reason: 'process_restarted',
      error:
        killed.length > 0
          ? `VX11 restarted while the run was in flight; killed ${killed.length} leftover process(es)`
          : 'VX11 restarted while the run was in flight; none of its processes was left',
      finished_at: now.toISOString(),
      duration_ms: startedAt === null ? null : now.getTime() - startedAt,
    };
    await this.store.update(row.id, patch);
    this.metrics.killed('process_restarted');
    this.metrics.finished('killed', null, { stdout: false, stderr: false });
    const announce = () =>
      this.events.emit(
        'spawn.finished',
        'spawner',
        {
          run_id: row.id,
          program: row.program,
          status: 'killed',
          kill_reason: 'process_restarted',
          error: patch.error,
          killed_pids: killed,
        },
        'warning',
      );
    if (row.correlation_id) withCorrelationId(row.correlation_id, announce);
    else announce();
    const message = `run ${row.id} (${row.program}, pid ${row.pid ?? 'none'}) marked killed: process_restarted; killed pids: ${killed.join(',') || 'none'}`;
    this.humanLog.write('architect', 'SPAWNER RECOVERY', message);
    this.logger.warn(message);
    return { run_id: row.id, pid: row.pid, killed_pids: killed };
  }
}

/** What may still be alive of a run, or null when nothing from this boot can be. */
export function targetOf(row: SpawnerRunEntity): RunTarget | null {
  if (row.pid === null || row.proc_start === null) return null;
  const split = row.proc_start.lastIndexOf(':');
  const boot = row.proc_start.slice(0, split);
  const startTicks = Number(row.proc_start.slice(split + 1));
  if (boot !== bootId() || !Number.isFinite(startTicks)) return null; // the machine rebooted
  const leader = readProcStat(row.pid);
  return {
    runId: row.id,
    pgid: row.pid,
    startTicks,
    trustGroup: leader !== null && leader.startTicks === startTicks,
  };
}
