import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type Database from 'better-sqlite3';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { nativeDb } from '../../../core/database/native-db';
import { ApiError } from '../../../core/errors/api-error';
import { EventBus, Severity } from '../../../core/events/event-bus.service';
import { incidentId } from './incident-id';
import { mostUrgent, severityLevel, SeverityLevel } from './incident-severity';
import { IncidentEntity, IncidentStatus } from './incident.entity';
import { MadreErrors } from '../madre-errors';

export interface IncidentReport {
  kind: string;
  title: string;
  source: string;
  severity: Severity;
  detail: string;
}

const SEVERITY_RANK: Record<Severity, number> = {
  debug: 0,
  info: 1,
  warning: 2,
  error: 3,
  critical: 4,
};

/**
 * Incidents (CONTRACT §7): deduplicated by a stable id. A repeat refreshes the row; a repeat of a
 * resolved incident reopens it. Opening and resolving are announced on the event bus.
 */
@Injectable()
export class IncidentService {
  private raiseTx: ((report: IncidentReport, id: string, now: string) => boolean) | undefined;

  constructor(
    private readonly events: EventBus,
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(IncidentEntity) private readonly incidents: Repository<IncidentEntity>,
  ) {}

  /** Opens or refreshes the incident; resolves with it and whether it was (re)opened. */
  async raise(report: IncidentReport): Promise<{ incident: IncidentEntity; opened: boolean }> {
    const id = incidentId(report.kind, report.title, report.source);
    this.raiseTx ??= this.prepareRaise(nativeDb(this.db));
    const opened = this.raiseTx(report, id, new Date().toISOString());
    const incident = await this.require(id);
    if (opened) {
      this.events.emit('incident.opened', 'madre', this.payload(incident), incident.severity);
    }
    return { incident, opened };
  }

  async acknowledge(id: string): Promise<IncidentEntity> {
    const incident = await this.require(id);
    if (incident.status === 'resolved') {
      throw new ApiError(
        MadreErrors.incident_resolved,
        `Incident ${id} is resolved; nothing to acknowledge`,
      );
    }
    if (incident.status === 'open') {
      await this.incidents.update(
        { id, status: 'open' },
        { status: 'acknowledged', acknowledged_at: new Date().toISOString() },
      );
    }
    return this.require(id);
  }

  /** Resolves the incident (idempotent: resolving a resolved one changes nothing). */
  async resolve(
    id: string,
    by: 'health_monitor' | 'operator',
    note?: string,
  ): Promise<IncidentEntity> {
    const incident = await this.require(id);
    if (incident.status === 'resolved') return incident;
    const { affected } = await this.incidents.update(
      { id, status: incident.status },
      { status: 'resolved', resolved_at: new Date().toISOString(), resolved_by: by },
    );
    const resolved = await this.require(id);
    if (affected) {
      this.events.emit('incident.resolved', 'madre', {
        ...this.payload(resolved),
        resolved_by: by,
        ...(note ? { note } : {}),
      });
    }
    return resolved;
  }

  /** Resolves it if it exists and is not resolved yet; used by the monitor after good checks. */
  async resolveIfOpen(id: string, note: string): Promise<IncidentEntity | null> {
    const incident = await this.incidents.findOneBy({ id });
    if (!incident || incident.status === 'resolved') return null;
    return this.resolve(id, 'health_monitor', note);
  }

  /** One incident by id, or null (hormiguero checks an incident is its own before acting). */
  find(id: string): Promise<IncidentEntity | null> {
    return this.incidents.findOneBy({ id });
  }

  /** One incident by id; 404 incident_not_found when there is none. */
  get(id: string): Promise<IncidentEntity> {
    return this.require(id);
  }

  list(status: IncidentStatus | undefined, limit: number): Promise<IncidentEntity[]> {
    const where: FindOptionsWhere<IncidentEntity> = status ? { status } : {};
    return this.incidents.find({ where, order: { last_seen_at: 'DESC' }, take: limit });
  }

  private async require(id: string): Promise<IncidentEntity> {
    const incident = await this.incidents.findOneBy({ id });
    if (!incident) throw new ApiError(MadreErrors.incident_not_found, `No incident with id ${id}`);
    return incident;
  }

  private payload(incident: IncidentEntity) {
    return {
      incident_id: incident.id,
      kind: incident.kind,
      title: incident.title,
      source: incident.source,
      severity: incident.severity,
      severity_level: incident.severity_level,
      status: incident.status,
      count: incident.count,
      detail: incident.detail,
    };
  }

  /** One synchronous transaction: insert, refresh or reopen; true when it (re)opened. */
  private prepareRaise(sqlite: Database.Database) {
    const find = sqlite.prepare<
      [string],
      { status: IncidentStatus; severity: Severity; severity_level: SeverityLevel }
    >('SELECT status, severity, severity_level FROM incidents WHERE id = ?');
    const insert = sqlite.prepare(
      `INSERT INTO incidents (id, kind, title, source, severity, severity_level, status, count,
         detail, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, 'open', 1, ?, ?, ?)`,
    );
    const refresh = sqlite.prepare(
      `UPDATE incidents SET count = count + 1, detail = ?, last_seen_at = ?, severity = ?,
         severity_level = ?,
         status = CASE WHEN status = 'resolved' THEN 'open' ELSE status END,
         resolved_at = CASE WHEN status = 'resolved' THEN NULL ELSE resolved_at END,
         resolved_by = CASE WHEN status = 'resolved' THEN NULL ELSE resolved_by END,
         acknowledged_at = CASE WHEN status = 'resolved' THEN NULL ELSE acknowledged_at END
       WHERE id = ?`,
    );
    return sqlite.transaction((r: IncidentReport, id: string, now: string): boolean => {
      const existing = find.get(id);
      const level = severityLevel(r);
      if (!existing) {
        insert.run(id, r.kind, r.title, r.source, r.severity, level, r.detail, now, now);
        return true;
      }
      const severity =
        SEVERITY_RANK[r.severity] > SEVERITY_RANK[existing.severity]
          ? r.severity
          : existing.severity;
      const keptLevel = mostUrgent(level, existing.severity_level);
      refresh.run(r.detail, now, severity, keptLevel, id);
      return existing.status === 'resolved';
    });
  }
}
