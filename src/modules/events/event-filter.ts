import type { Severity } from '../../core/events/event-bus.service';
import { SEVERITIES } from './event-view';

/** An event type: dot-separated words, e.g. `window.opened`, `system.correlation.updated`. */
export const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
export const MAX_TYPE_LENGTH = 128;
export const MAX_FILTER_TERMS = 50;

/** A type pattern: an exact type, `*` (everything), or `prefix.*` (a family of types). */
export function isTypePattern(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TYPE_LENGTH) {
    return false;
  }
  if (value === '*') return true;
  return EVENT_TYPE.test(value.endsWith('.*') ? value.slice(0, -2) : value);
}

export function isSeverity(value: unknown): value is Severity {
  return (SEVERITIES as readonly unknown[]).includes(value);
}

/** A bad term in a `type` or `severity` list; `field` names the list. */
export class FilterTermError extends Error {
  constructor(
    readonly field: 'type' | 'severity',
    message: string,
  ) {
    super(message);
    this.name = 'FilterTermError';
  }
}

export interface Filterable {
  type: string;
  severity: string;
}

/**
 * Which events a reader wants; shared by the paged listing, SSE and WebSocket subscribers.
 * `types` null (or containing `*`) means every type, an empty list none; empty `severities`
 * means every severity.
 */
export class EventFilter {
  /** Equal for filters that select the same events (used to share serialized frames). */
  readonly key: string;
  private readonly all: boolean;
  private readonly exact: Set<string>;
  /** `window.` for `window.*`. */
  private readonly prefixes: string[];
  private readonly severitySet: ReadonlySet<string>;

  constructor(types: readonly string[] | null = null, severities: readonly Severity[] = []) {
    this.all = types === null || types.includes('*');
    const terms = this.all ? [] : [...new Set(types)].sort();
    this.exact = new Set(terms.filter((t) => !t.endsWith('.*')));
    this.prefixes = terms.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1));
    this.severitySet = new Set(severities);
    this.key = `${this.all ? '*' : terms.join(',')}|${[...this.severitySet].sort().join(',')}`;
  }

  /** Parses the `a.b,c.*` lists of a query string; throws a FilterTermError on a bad term. */
  static fromQuery(types: string | undefined, severities: string | undefined): EventFilter {
    const typeTerms = splitTerms(types, 'type', isTypePattern);
    return new EventFilter(
      typeTerms.length > 0 ? typeTerms : null,
      splitTerms(severities, 'severity', isSeverity),
    );
  }

  matches(event: Filterable): boolean {
    if (this.severitySet.size > 0 && !this.severitySet.has(event.severity)) return false;
    if (this.all || this.exact.has(event.type)) return true;
    return this.prefixes.some((p) => event.type.startsWith(p));
  }

  /** The same filter as SQL conditions over the events table, with their parameters. */
  toSql(): { where: string[]; params: string[] } {
    const where: string[] = [];
    const params: string[] = [];
    if (!this.all) {
      const alternatives: string[] = [];
      if (this.exact.size > 0) {
        alternatives.push(`type IN (${[...this.exact].map(() => '?').join(',')})`);
        params.push(...this.exact);
      }
      for (const prefix of this.prefixes) {
        alternatives.push(`substr(type, 1, ${prefix.length}) = ?`);
        params.push(prefix);
      }
      where.push(alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '0');
    }
    if (this.severitySet.size > 0) {
      where.push(`severity IN (${[...this.severitySet].map(() => '?').join(',')})`);
      params.push(...this.severitySet);
    }
    return { where, params };
  }
}

function splitTerms<T extends string>(
  raw: string | undefined,
  field: 'type' | 'severity',
  valid: (term: unknown) => term is T,
): T[] {
  if (raw === undefined || raw === '') return [];
  const terms = raw.split(',').map((t) => t.trim());
  if (terms.length > MAX_FILTER_TERMS) {
    throw new FilterTermError(field, `at most ${MAX_FILTER_TERMS} ${field} values`);
  }
  const bad = terms.filter((t) => !valid(t));
  if (bad.length > 0) {
    const shown = bad.map((t) => JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t));
    throw new FilterTermError(field, `invalid ${field}: ${shown.join(', ')}`);
  }
  return terms as T[];
}
