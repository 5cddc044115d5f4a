import type { Severity } from '../../../core/events/event-bus.service';
import { MODULE_CATALOG } from '../../../core/registry/module-catalog';

/**
 * The seeds' incident classes (runbook "Protocolo de Incidentes"), most urgent first:
 * - S1 critical: data loss or a broken forensic ledger. Stop changes, start a post-mortem.
 * - S2 high: a core module (gateway, madre, operator…) down. Controlled restart, then rollback.
 * - S3 medium: an optional module failing, or chat degraded (answered by a fallback tier).
 * - S4 low: metrics or logs wrong or incomplete. Record it and fix it later.
 */
export const SEVERITY_LEVELS = ['S1', 'S2', 'S3', 'S4'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export const SEVERITY_LEVEL_TITLES: Record<SeverityLevel, string> = {
  S1: 'critical: data loss or ledger broken',
  S2: 'high: core module down',
  S3: 'medium: optional module failing or chat degraded',
  S4: 'low: metrics or logs problem',
};

/** What the level is decided from: the incident's kind, its source (usually a module), its severity. */
export interface SeverityInput {
  kind: string;
  source: string;
  severity?: Severity;
}

/** Kinds (or kind fragments) that mean data was lost or cannot be trusted. */
const DATA_LOSS =
  /ledger|integrity|quick_check|data_loss|corrupt|chat_persistence|restore|backup_failed/;
/** Kinds about the database itself (hormiguero's db ant: `hormiguero.db`); critical means corrupt. */
const DATABASE = /(^|\.)db($|\.)|database/;
/** Kinds about observability only: nothing a user sees is wrong. */
const OBSERVABILITY = /(^|[._])(metrics?|logs?|log_rotation|scrape|rotation)($|[._])/;
/** Kinds that mean chat still answers, through a fallback. */
const DEGRADED_CHAT = /chat|provider|budget|breaker|fallback/;

const CATEGORY = new Map(MODULE_CATALOG.map((m) => [m.name, m.category]));

/**
 * The one place an incident gets its S-level, from its kind and source, in this order:
 * 1. data loss or ledger/database integrity (kind matches DATA_LOSS, or a
 *    database kind at event severity `critical`)                             → S1
 * 2. a health-check failure of a core module (catalog category `core`)       → S2
 * 3. a health-check failure of an optional module                              → S3
 * 4. metrics/logs problems (kind matches OBSERVABILITY)                        → S4
 * 5. degraded chat (providers, budgets, breakers, fallbacks)                   → S3
 * 6. anything else from a core module at event severity `critical`            → S2
 * 7. anything else: S3 at `error`/`critical`, S4 below
 */
export function severityLevel({ kind, source, severity }: SeverityInput): SeverityLevel {
  const k = kind.toLowerCase();
  if (DATA_LOSS.test(k)) return 'S1';
  if (DATABASE.test(k) && severity === 'critical') return 'S1';
  const category = CATEGORY.get(source);
  if (k === 'health_check' && category) return category === 'core' ? 'S2' : 'S3';
  if (OBSERVABILITY.test(k)) return 'S4';
  if (DEGRADED_CHAT.test(k)) return 'S3';
  if (severity === 'critical' && category === 'core') return 'S2';
  return severity === 'error' || severity === 'critical' ? 'S3' : 'S4';
}

/** The more urgent of two levels (S1 beats S2 …). */
export function mostUrgent(a: SeverityLevel, b: SeverityLevel): SeverityLevel {
  return a <= b ? a : b;
}
