import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, LessThan, Repository } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { databasePath } from '../../core/database/data-source-options';
import { nativeDb } from '../../core/database/native-db';
import { ApiError } from '../../core/errors/api-error';
import { EventBus } from '../../core/events/event-bus.service';
import { HumanLogService } from '../../core/logging/human-log.service';
import { describeError } from '../../core/util/guarded';
import { ActionPreviewEntity } from './action-preview.entity';
import { ACTION_ALLOWLIST, ActionName, ActionPlan, HormigueroAction } from './actions/action';
import { PruneBackupArchiveAction } from './actions/prune-backup-archive.action';
import { PruneHealthHistoryAction } from './actions/prune-health-history.action';
import { RotateLogsAction } from './actions/rotate-logs.action';
import { WalCheckpointAction } from './actions/wal-checkpoint.action';
import { HormigueroMetrics } from './hormiguero-metrics';
import { HormigueroErrors } from './hormiguero-errors';
import { HealthHistoryStore } from '../madre/health/health-history.store';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Previews are kept this long (applied or not), then deleted. */
const KEEP_PREVIEWS_MS = 30 * 24 * 3600 * 1000;

export interface PreviewAnswer {
  preview_id: string;
  action: ActionName;
  params: Record<string, unknown>;
  plan: ActionPlan;
  /** Shown once: single-use, expiring; only its sha256 is stored. */
  approval_token: string;
  expires_at: string;
}

export interface ApplyAnswer {
  preview_id: string;
  action: string;
  status: 'applied' | 'failed';
  applied_at: string;
  applied_by: string;
  plan: ActionPlan;
  result: Record<string, unknown> | null;
  error: string | null;
}

/** Why an apply is refused (all 403: no approval for that). */
const refuse = (message: string) => new ApiError(HormigueroErrors.approval_refused, message);

/**
 * Hormiguero's actions with approval: POST .../preview answers exactly what would change and a
 * single-use approval token that expires after hormiguero.approvalTtlSec (stored as its sha256);
 * POST .../apply with the preview's id and that token does it once and records who and when.
 * Only the allowlist exists; anything else is 422 naming it.
 */
@Injectable()
export class HormigueroActionsService {
  private readonly actions: ReadonlyMap<string, HormigueroAction>;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ActionPreviewEntity)
    private readonly previews: Repository<ActionPreviewEntity>,
    humanLog: HumanLogService,
    private readonly events: EventBus,
    private readonly metrics: HormigueroMetrics,
    healthHistory: HealthHistoryStore,
  ) {
    const db = () => nativeDb(dataSource);
    const list: HormigueroAction[] = [
      new RotateLogsAction(humanLog),
      new PruneBackupArchiveAction(config),
      new PruneHealthHistoryAction(config, healthHistory),
      new WalCheckpointAction(db, databasePath(config.dataDir)),
    ];
    this.actions = new Map(list.map((a) => [a.name, a]));
  }

  async preview(
    action: string,
    params: Record<string, unknown> | undefined,
    correlationId: string | null,
  ): Promise<PreviewAnswer> {
    const impl = this.actions.get(action);
    if (!impl) {
      this.metrics.action('not_allowed', 'refused');
      throw new ApiError(
        HormigueroErrors.action_not_allowed,
        `Action ${JSON.stringify(action)} is not allowed; the allowlist: ${ACTION_ALLOWLIST.join(', ')}`,
        undefined,
        { allowlist: [...ACTION_ALLOWLIST] },
      );
    }
    const p = params ?? {};
    const plan = await impl.preview(p);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expires = new Date(now.getTime() + this.config.hormiguero.approvalTtlSec * 1000);
    const id = randomUUID();
    await this.previews.delete({
      created_at: LessThan(new Date(now.getTime() - KEEP_PREVIEWS_MS).toISOString()),
    });
    await this.previews.insert({
      id,
      action: impl.name,
      params: JSON.stringify(p),
      plan: JSON.stringify(plan),
      token_sha256: sha256(token),
      created_at: now.toISOString(),
      expires_at: expires.toISOString(),
      applied_at: null,
      applied_by: null,
      result: null,
      correlation_id: correlationId,
    });
    this.metrics.action(impl.name, 'previewed');
    return {
      preview_id: id,
      action: impl.name,
      params: p,
      plan,
      approval_token: token,
      expires_at: expires.toISOString(),
    };
  }

  /**
   * Applies a previewed action once. 403 when there is no such preview, the token is not its
   * token, it was applied already, or it expired. The claim (single use) is one conditional
   * UPDATE, so two concurrent applies cannot both pass.
   */
  async apply(previewId: string, token: string, approvedBy: string): Promise<ApplyAnswer> {
    const row = await this.previews.findOneBy({ id: previewId });
    if (!row) throw this.refused('unknown', `No preview ${previewId}: preview the action first`);
    const given = Buffer.from(sha256(token), 'hex');
    const stored = Buffer.from(row.token_sha256, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
      throw this.refused(row.action, 'The approval token is not the token of this preview');
    }
    if (row.applied_at) {
      throw this.refused(
        row.action,
        `This approval was used at ${row.applied_at}; preview the action again`,
      );
    }
    const now = new Date().toISOString();
    if (row.expires_at <= now) {
      throw this.refused(row.action, `This approval expired at ${row.expires_at}; preview again`);
    }
    const claim = nativeDb(this.dataSource)
      .prepare(
        `UPDATE hormiguero_action_previews SET applied_at = ?, applied_by = ?
           WHERE id = ? AND applied_at IS NULL AND token_sha256 = ? AND expires_at > ?`,
      )
      .run(now, approvedBy, row.id, row.token_sha256, now);
    if (claim.changes !== 1) {
      throw this.refused(row.action, 'This approval was used meanwhile; preview the action again');
    }
    const plan = JSON.parse(row.plan) as ActionPlan;
    const impl = this.actions.get(row.action)!;
    let result: Record<string, unknown> | null = null;
    let error: string | null = null;
    try {
      result = await impl.apply(plan);
    } catch (err) {
      error = describeError(err);
    }
    await this.previews.update(
      { id: row.id },
      { result: JSON.stringify(error ? { error } : result) },
    );
    this.metrics.action(row.action, error ? 'failed' : 'applied');
    this.events.emit(
      'hormiguero.action.applied',
      'hormiguero',
      {
        preview_id: row.id,
        action: row.action,
        applied_by: approvedBy,
        applied_at: now,
        status: error ? 'failed' : 'applied',
        ...(error ? { error } : {}),
      },
      error ? 'error' : 'info',
    );
    return {
      preview_id: row.id,
      action: row.action,
      status: error ? 'failed' : 'applied',
      applied_at: now,
      applied_by: approvedBy,
      plan,
      result,
      error,
    };
  }

  private refused(action: string, message: string): ApiError {
    this.metrics.action(action, 'refused');
    return refuse(message);
  }
}
