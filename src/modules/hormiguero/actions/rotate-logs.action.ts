import type { HumanLogName, HumanLogService } from '../../../core/logging/human-log.service';
import { HUMAN_LOGS } from '../../../core/logging/log-rotation';
import { withTimeout } from '../../../core/util/with-timeout';
import { ApiError } from '../../../core/errors/api-error';
import { ActionPlan, HormigueroAction, onlyParams } from './action';
import { HormigueroErrors } from '../hormiguero-errors';

/** How long apply waits for the rotated logs to be gzipped. */
const COMPRESS_TIMEOUT_MS = 30_000;

/**
 * rotate_logs (the seeds' runbook): the human logs rotated now and gzipped, and archives older
 * than `logs.keepDays` deleted — the same rotator that rotates them daily and by size.
 * Params: `logs` (some of architect, health_monitor, alerts; all by default).
 */
export class RotateLogsAction implements HormigueroAction {
  readonly name = 'rotate_logs' as const;

  constructor(private readonly humanLog: HumanLogService) {}

  async preview(params: Record<string, unknown>): Promise<ActionPlan> {
    onlyParams(this.name, params, ['logs']);
    const logs = this.logsParam(params.logs);
    const live = this.humanLog.inspect().filter((s) => logs.includes(s.log) && s.bytes > 0);
    const expired = this.humanLog.expired();
    const files = [
      ...live.map((s) => ({ file: s.file, bytes: s.bytes, change: 'rotate and gzip' })),
      ...expired.map((a) => ({
        file: a.file,
        bytes: a.bytes,
        change: 'delete (past logs.keepDays)',
      })),
    ];
    return {
      summary: `rotate ${live.length} logs (${live.map((s) => `${s.log}.log`).join(', ') || 'none non-empty'}), delete ${expired.length} expired archives`,
      files,
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      rows: 0,
      detail: { logs: live.map((s) => s.log), keep_days: this.humanLog.policy.keepDays },
    };
  }

  async apply(plan: ActionPlan): Promise<Record<string, unknown>> {
    const logs = (plan.detail.logs as HumanLogName[]) ?? [];
    const rotated = this.humanLog.rotate(logs, 'requested');
    const deleted = this.humanLog.prune();
    await withTimeout(this.humanLog.idle(), COMPRESS_TIMEOUT_MS, 'log compression').catch(
      () => undefined,
    );
    return {
      rotated: rotated.map((r) => ({
        log: r.log,
        bytes: r.bytes,
        archive: `${r.archive}.gz`,
        rotated_at: r.rotated_at,
      })),
      deleted: deleted.map((a) => ({ file: a.file, bytes: a.bytes })),
    };
  }

  private logsParam(value: unknown): HumanLogName[] {
    if (value === undefined) return [...HUMAN_LOGS];
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      value.some((v) => typeof v !== 'string' || !(HUMAN_LOGS as readonly string[]).includes(v))
    ) {
      throw new ApiError(
        HormigueroErrors.invalid_params,
        `rotate_logs: logs must list some of ${HUMAN_LOGS.join(', ')}`,
      );
    }
    return [...new Set(value as HumanLogName[])];
  }
}
