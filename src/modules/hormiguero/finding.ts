import type { HormigueroAntName } from '../../core/config/app-config';
import type { Severity } from '../../core/events/event-bus.service';

export { HORMIGUERO_ANTS } from '../../core/config/app-config';
export type { HormigueroAntName as AntName } from '../../core/config/app-config';

export const FINDING_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** What an ant reports: one problem (or observation), with the figures that show it. */
export interface Finding {
  ant: HormigueroAntName;
  /** Machine-readable, e.g. `fs_drift.changed`, `pressure.rss`. */
  kind: string;
  /** Stable for the same problem (the incident's id is derived from it). */
  title: string;
  severity: FindingSeverity;
  detail: string;
  evidence: Record<string, unknown>;
}

/** One ant: a small class with one scan(). */
export interface Ant {
  readonly name: HormigueroAntName;
  scan(): Promise<Finding[]>;
}

export const SEVERITY_RANK: Record<FindingSeverity, number> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** At or above this a finding opens an incident (info findings are observations). */
export const INCIDENT_MIN: FindingSeverity = 'low';
/** At or above this a finding is escalated to madre. */
export const ESCALATE_MIN: FindingSeverity = 'high';

export const atLeast = (s: FindingSeverity, min: FindingSeverity) =>
  SEVERITY_RANK[s] >= SEVERITY_RANK[min];

/** The incident severity (the event bus's scale) of a finding. */
export function incidentSeverity(s: FindingSeverity): Severity {
  switch (s) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    default:
      return 'info';
  }
}

/** The incident kind of an ant's findings (CONTRACT §8: `hormiguero.<ant>`). */
export const incidentKind = (ant: HormigueroAntName) => `hormiguero.${ant}`;
/** The source every hormiguero incident carries. */
export const INCIDENT_SOURCE = 'hormiguero';

export const round = (n: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
export const toMb = (bytes: number) => round(bytes / 1024 / 1024, 1);
