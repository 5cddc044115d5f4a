import type { AppConfig } from '../../../core/config/app-config';
import type { HealthHistoryStore } from '../../madre/health/health-history.store';
import { ActionPlan, HormigueroAction, intParam, onlyParams } from './action';

const DAY_MS = 24 * 3600 * 1000;

/**
 * prune_health_history: health_history rows older than `older_than_days` (default
 * retentionDays.health_history) deleted, with the cutoff frozen at preview time.
 */
export class PruneHealthHistoryAction implements HormigueroAction {
  readonly name = 'prune_health_history' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly history: HealthHistoryStore,
  ) {}

  async preview(params: Record<string, unknown>): Promise<ActionPlan> {
    onlyParams(this.name, params, ['older_than_days']);
    const days = intParam(
      this.name,
      params,
      'older_than_days',
      this.config.retentionDays.health_history,
      0,
      3650,
    );
    const cutoff = new Date(Date.now() - days * DAY_MS).toISOString();
    const n = await this.history.countBefore(cutoff);
    return {
      summary: `delete ${n} health_history rows checked before ${cutoff}`,
      files: [],
      bytes: 0,
      rows: n,
      detail: { cutoff, older_than_days: days, table: 'health_history' },
    };
  }

  async apply(plan: ActionPlan): Promise<Record<string, unknown>> {
    const cutoff = String(plan.detail.cutoff);
    const deleted = await this.history.pruneBefore(cutoff);
    return { table: 'health_history', cutoff, deleted };
  }
}
