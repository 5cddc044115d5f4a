import type Database from 'better-sqlite3';
import type { AppConfig } from '../../../core/config/app-config';
import { ActionPlan, HormigueroAction, intParam, onlyParams } from './action';

const DAY_MS = 24 * 3600 * 1000;
/** Rows deleted per statement; the event loop gets a turn between chunks. */
const CHUNK = 5000;

/**
 * prune_health_history: health_history rows older than `older_than_days` (default
 * retentionDays.health_history) deleted, with the cutoff frozen at preview time.
 */
export class PruneHealthHistoryAction implements HormigueroAction {
  readonly name = 'prune_health_history' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly db: () => Database.Database,
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
    const { n } = this.db()
      .prepare('SELECT COUNT(*) AS n FROM health_history WHERE checked_at < ?')
      .get(cutoff) as { n: number };
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
    const stmt = this.db().prepare(
      `DELETE FROM health_history WHERE rowid IN
         (SELECT rowid FROM health_history WHERE checked_at < ? LIMIT ${CHUNK})`,
    );
    let deleted = 0;
    for (;;) {
      const { changes } = stmt.run(cutoff);
      deleted += changes;
      if (changes < CHUNK) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { table: 'health_history', cutoff, deleted };
  }
}
