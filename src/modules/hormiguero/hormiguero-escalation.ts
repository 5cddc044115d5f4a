import { Injectable, Logger } from '@nestjs/common';
import { EventBus } from '../../core/events/event-bus.service';
import { describeError } from '../../core/util/guarded';
import { IntentService } from '../madre/intents/intent.service';
import { Finding, incidentSeverity } from './finding';

/** What one escalation did. */
export interface Escalated {
  title: string;
  plan_id: string | null;
  error: string | null;
}

/**
 * Findings of severity high or more that (re)opened an incident are escalated to madre as an
 * intent (source `hormiguero`): a `healthcheck` intent carrying the finding, which madre plans
 * and runs at once (LOW risk) and lists under GET /madre/plans. Each is also announced on the
 * event bus as `hormiguero.escalation` with the plan's id.
 */
@Injectable()
export class HormigueroEscalation {
  private readonly logger = new Logger('HormigueroEscalation');

  constructor(
    private readonly events: EventBus,
    private readonly intents: IntentService,
  ) {}

  /** Escalates each finding; answers how many became madre plans. */
  async escalate(findings: Finding[]): Promise<number> {
    let planned = 0;
    for (const f of findings) {
      const result = await this.one(f);
      if (result.plan_id) planned += 1;
      this.events.emit(
        'hormiguero.escalation',
        'hormiguero',
        {
          ant: f.ant,
          kind: f.kind,
          title: f.title,
          severity: f.severity,
          detail: f.detail,
          plan_id: result.plan_id,
          ...(result.error ? { error: result.error } : {}),
        },
        incidentSeverity(f.severity),
      );
    }
    return planned;
  }

  private async one(f: Finding): Promise<Escalated> {
    try {
      const plan = await this.intents.submit(
        {
          intent_type: 'healthcheck',
          text: `hormiguero ${f.severity} finding: ${f.title}`.slice(0, 500),
          payload: {
            escalated_by: 'hormiguero',
            ant: f.ant,
            kind: f.kind,
            title: f.title,
            severity: f.severity,
            detail: f.detail.slice(0, 1000),
          },
        },
        'hormiguero',
      );
      return { title: f.title, plan_id: plan.plan_id, error: null };
    } catch (err) {
      const error = describeError(err);
      this.logger.warn(`finding "${f.title}" not escalated to madre: ${error}`);
      return { title: f.title, plan_id: null, error };
    }
  }
}
