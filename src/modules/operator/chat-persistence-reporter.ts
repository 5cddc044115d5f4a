import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import { describeError } from '../../core/util/guarded';
import { IncidentService } from '../madre/health/incident.service';

/** A chat message the store refused, and why. */
export interface UnsavedMessage {
  role: 'user' | 'assistant';
  message_id: string;
  error: unknown;
}

/** The one incident every chat persistence failure opens or refreshes (deduplicated by id). */
export const CHAT_PERSISTENCE_INCIDENT = {
  kind: 'chat_persistence',
  title: 'chat messages not persisted',
  source: 'operator',
} as const;

/**
 * A chat is answered even when its messages cannot be stored (CONTRACT §4: never 5xx); the loss
 * must not go unnoticed, so it is logged, counted and raised as an incident for the operator.
 */
@Injectable()
export class ChatPersistenceReporter {
  private readonly logger = new Logger('Chat');
  private readonly failures: Counter<'role'>;

  constructor(
    private readonly incidents: IncidentService,
    metrics: MetricsService,
  ) {
    this.failures = new Counter({
      name: 'vx11_chat_persist_failures_total',
      help: 'Chat messages answered but not stored, by role',
      labelNames: ['role'],
      registers: [metrics.registry],
    });
  }

  /**
   * Logs and counts at once; resolves once the incident is raised. Never rejects: a store that
   * is down may take the incident table with it, and that is logged too.
   */
  async report(sessionId: string, correlationId: string, unsaved: UnsavedMessage[]): Promise<void> {
    for (const u of unsaved) this.failures.inc({ role: u.role });
    const detail = `session ${sessionId} (correlation ${correlationId}): ${unsaved
      .map((u) => `${u.role} message ${u.message_id} not stored: ${describeError(u.error)}`)
      .join('; ')}`;
    this.logger.error(`chat answered without persisting it; ${detail}`);
    try {
      await this.incidents.raise({ ...CHAT_PERSISTENCE_INCIDENT, severity: 'error', detail });
    } catch (err) {
      this.logger.error(`chat persistence incident not raised: ${describeError(err)}`);
    }
  }
}
