import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Severity } from '../../../core/events/event-bus.service';
import type { SeverityLevel } from './incident-severity';

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * A problem VX11 noticed, deduplicated by a stable id (hash of kind, title and source): a
 * repeat refreshes the row (count, last_seen_at) instead of adding one.
 */
@Entity('incidents')
@Index('idx_incidents_status_last_seen', ['status', 'last_seen_at'])
export class IncidentEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  kind: string;

  @Column('text')
  title: string;

  @Column('text')
  source: string;

  @Column('text')
  severity: Severity;

  /** S1–S4, from kind and source (incident-severity.ts); `severity` is the event-bus severity. */
  @Column('text', { default: 'S3' })
  severity_level: SeverityLevel;

  @Column('text')
  status: IncidentStatus;

  @Column('integer')
  count: number;

  /** The latest occurrence's detail (the title stays stable for the id). */
  @Column('text', { nullable: true })
  detail: string | null;

  @Column('text')
  first_seen_at: string;

  @Column('text')
  last_seen_at: string;

  @Column('text', { nullable: true })
  acknowledged_at: string | null;

  @Column('text', { nullable: true })
  resolved_at: string | null;

  /** Who resolved it: `health_monitor` or `operator`. */
  @Column('text', { nullable: true })
  resolved_by: string | null;
}
