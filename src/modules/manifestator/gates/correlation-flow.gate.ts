import { randomUUID } from 'node:crypto';
import { failed, GateResult, ok } from './gate';
import { Inject } from './probe';

export const PROBE_EVENT_TYPE = 'manifestator.rails.probe';

export interface CorrelationInputs {
  inject: Inject;
  /** Headers that authenticate the probe (the token, or none with auth off). */
  authHeaders: Record<string, string>;
  /** The correlation id stored on the ledger row of an event id (undefined: no such row). */
  ledgerCorrelationOf: (eventId: string) => Promise<string | null | undefined>;
}

/**
 * correlation_id_flow: a probe request with a fresh X-Correlation-Id writes one event through
 * POST /events/ingest (no correlation id in its body); the id must come back in the response
 * header and be found on the ledger row that request produced.
 */
export async function correlationIdFlow(input: CorrelationInputs): Promise<GateResult> {
  const cid = `rails-probe-${randomUUID()}`;
  const res = await input.inject({
    method: 'POST',
    url: '/events/ingest',
    headers: { ...input.authHeaders, 'content-type': 'application/json', 'x-correlation-id': cid },
    payload: JSON.stringify({
      type: PROBE_EVENT_TYPE,
      source: 'manifestator',
      severity: 'debug',
      payload: { gate: 'correlation_id_flow' },
    }),
  });
  const echoed = res.headers['x-correlation-id'];
  const evidence: Record<string, unknown> = {
    probe_correlation_id: cid,
    ingest_status: res.statusCode,
    echoed_header: echoed ?? null,
  };
  if (res.statusCode !== 200 && res.statusCode !== 201 && res.statusCode !== 202) {
    return failed(`the probe event was not accepted (HTTP ${res.statusCode})`, evidence);
  }
  let eventId: string | undefined;
  try {
    eventId = (JSON.parse(res.body) as { event_id?: string }).event_id;
  } catch {
    eventId = undefined;
  }
  evidence.event_id = eventId ?? null;
  if (!eventId) return failed('the ingest answer carried no event_id', evidence);
  if (echoed !== cid) return failed('the response did not echo the correlation id', evidence);
  const stored = await input.ledgerCorrelationOf(eventId);
  evidence.ledger_correlation_id = stored ?? null;
  if (stored === undefined) return failed(`no ledger row for event ${eventId}`, evidence);
  if (stored !== cid) {
    return failed(
      `the ledger row carries ${stored ?? 'no correlation id'}, not the probe's`,
      evidence,
    );
  }
  return ok(evidence);
}
