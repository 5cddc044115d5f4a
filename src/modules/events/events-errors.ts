import { declareErrorCodes } from '../../core/errors/error-codes';

/** What events can refuse, each code with the status the one filter answers. */
export const EventsErrors = declareErrorCodes('events', {
  invalid_event_payload: 422,
  ingest_backlog_full: 429,
  upgrade_required: 426,
  ledger_unavailable: 503,
});
