import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import type { IncidentEntity } from '../madre/health/incident.entity';
import { IncidentService } from '../madre/health/incident.service';
import {
  atLeast,
  ESCALATE_MIN,
  Finding,
  INCIDENT_MIN,
  INCIDENT_SOURCE,
  incidentKind,
  incidentSeverity,
} from './finding';
import { HormigueroMetrics } from './hormiguero-metrics';
import { HormigueroErrors } from './hormiguero-errors';

/** What one ant's scan did to its incidents. */
export interface IncidentChanges {
  /** Incidents raised or refreshed by this scan's findings. */
  raised: string[];
  /** Of those, the ones (re)opened now. */
  opened: string[];
  /** Incidents resolved by this scan (after enough consecutive clean scans). */
  resolved: string[];
  /** Findings of severity high or more that opened an incident (candidates for escalation). */
  escalate: Finding[];
}

/** Most open incidents of one kind looked at when resolving. */
const OPEN_LIMIT = 500;

/**
 * Findings become incidents through madre's incident service (same dedup id: kind
 * `hormiguero.<ant>`, the finding's title, source `hormiguero`). An incident an ant no longer
 * reports is resolved after `hormiguero.cleanScansToResolve` consecutive scans of that ant
 * without it.
 */
@Injectable()
export class HormigueroIncidents {
  /** Incident id → consecutive scans of its ant without it. */
  private readonly clean = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly incidents: IncidentService,
    private readonly metrics: HormigueroMetrics,
  ) {}

  /** Applies one completed scan of `ant` (a failed scan is not a clean one: do not call). */
  async reconcile(ant: string, findings: Finding[]): Promise<IncidentChanges> {
    const kind = incidentKind(ant as Finding['ant']);
    const changes: IncidentChanges = { raised: [], opened: [], resolved: [], escalate: [] };
    const seen = new Set<string>();
    for (const f of findings) {
      if (!atLeast(f.severity, INCIDENT_MIN)) continue;
      const { incident, opened } = await this.incidents.raise({
        kind,
        title: f.title,
        source: INCIDENT_SOURCE,
        severity: incidentSeverity(f.severity),
        detail: f.detail.slice(0, 2000),
      });
      seen.add(incident.id);
      this.clean.delete(incident.id);
      changes.raised.push(incident.id);
      if (opened) {
        changes.opened.push(incident.id);
        this.metrics.incident(ant, 'opened');
        if (atLeast(f.severity, ESCALATE_MIN)) changes.escalate.push(f);
      }
    }
    const needed = this.config.hormiguero.cleanScansToResolve;
    for (const incident of await this.unresolved(kind)) {
      if (seen.has(incident.id)) continue;
      const count = (this.clean.get(incident.id) ?? 0) + 1;
      if (count < needed) {
        this.clean.set(incident.id, count);
        continue;
      }
      this.clean.delete(incident.id);
      const resolved = await this.incidents.resolveIfOpen(
        incident.id,
        `hormiguero: ${count} consecutive ${ant} scans without this finding`,
      );
      if (resolved) {
        changes.resolved.push(incident.id);
        this.metrics.incident(ant, 'resolved');
      }
    }
    return changes;
  }

  /** Hormiguero's incidents (all ants), newest first. */
  async list(status: IncidentEntity['status'] | undefined, limit: number) {
    const rows = await this.incidents.list(status, Math.min(limit * 4, 2000));
    return rows.filter((i) => i.kind.startsWith('hormiguero.')).slice(0, limit);
  }

  async acknowledge(id: string): Promise<IncidentEntity> {
    await this.requireOwn(id);
    return this.incidents.acknowledge(id);
  }

  async resolve(id: string, note?: string): Promise<IncidentEntity> {
    await this.requireOwn(id);
    this.clean.delete(id);
    return this.incidents.resolve(id, 'operator', note);
  }

  /** Consecutive clean scans counted so far for an incident (0 when none). */
  cleanScans(id: string): number {
    return this.clean.get(id) ?? 0;
  }

  private async unresolved(kind: string): Promise<IncidentEntity[]> {
    const [open, acked] = await Promise.all([
      this.incidents.list('open', OPEN_LIMIT),
      this.incidents.list('acknowledged', OPEN_LIMIT),
    ]);
    return [...open, ...acked].filter((i) => i.kind === kind);
  }

  /** 404 unless the incident exists and is one of hormiguero's. */
  private async requireOwn(id: string): Promise<void> {
    const found = await this.incidents.find(id);
    if (!found || !found.kind.startsWith('hormiguero.')) {
      throw new ApiError(
        HormigueroErrors.incident_not_found,
        `No hormiguero incident with id ${id}`,
      );
    }
  }
}
