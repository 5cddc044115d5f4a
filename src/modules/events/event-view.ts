import type { Severity, VxEvent } from '../../core/events/event-bus.service';
import type { LedgerRow } from './ledger/ledger-row';

export const SEVERITIES: readonly Severity[] = ['debug', 'info', 'warning', 'error', 'critical'];

/** An event as the listing and the live feeds show it: the envelope plus its ledger id. */
export interface EventView extends VxEvent {
  id: number;
}

export function viewOfRow(row: LedgerRow): EventView {
  return {
    id: row.id,
    event_id: row.event_id,
    type: row.type,
    source: row.source,
    timestamp: row.timestamp,
    correlation_id: row.correlation_id,
    severity: row.severity as Severity,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    canonical: row.canonical,
  };
}
