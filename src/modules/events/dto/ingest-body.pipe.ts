import { isISO8601 } from 'class-validator';
import type { Severity } from '../../../core/events/event-bus.service';
import { fastBodyPipe, hasOnlyFields, isPlainObject } from '../../../core/errors/fast-body-pipe';
import { EVENT_TYPE, MAX_TYPE_LENGTH } from '../event-filter';
import { SEVERITIES } from '../event-view';
import { CORRELATION_ID, DATE_TIME, IngestEventDto, SOURCE } from './ingest-event.dto';

/** A body IngestBodyPipe let through: the fields of IngestEventDto, as parsed from JSON. */
export interface IngestEventBody {
  type: string;
  source?: string | null;
  severity?: Severity | null;
  correlation_id?: string | null;
  timestamp?: string | null;
  payload: Record<string, unknown>;
}

const FIELDS: ReadonlySet<string> = new Set([
  'type',
  'source',
  'severity',
  'correlation_id',
  'timestamp',
  'payload',
]);

/** @IsOptional() then @IsString() + @Matches(): null and undefined skip the checks. */
function optionalMatching(value: unknown, pattern: RegExp): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && pattern.test(value))
  );
}

/**
 * Whether class-transformer would copy this JSON value unchanged: it drops or rewrites keys
 * named like Object.prototype's members (`constructor`, `toString`, `__proto__`…), so a payload
 * holding one is left to the full pipe, which stores what it always stored.
 */
function copiesVerbatim(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(copiesVerbatim);
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (key in Object.prototype || !copiesVerbatim(value[key])) return false;
  }
  return true;
}

/**
 * True only for a body the IngestEventDto decorators accept (and class-transformer copies
 * unchanged): a plain object with no other fields, every field of the right kind. It may say
 * false for a valid body (a type of astral characters, an odd payload key): the full pipe
 * then decides. It must never say true for a body that pipe refuses.
 */
export function isAcceptedIngestBody(body: unknown): body is IngestEventBody {
  if (!isPlainObject(body) || !hasOnlyFields(body, FIELDS)) return false;
  const { type, severity, timestamp, payload } = body;
  return (
    typeof type === 'string' &&
    type.length <= MAX_TYPE_LENGTH &&
    EVENT_TYPE.test(type) &&
    optionalMatching(body.source, SOURCE) &&
    optionalMatching(body.correlation_id, CORRELATION_ID) &&
    (severity === undefined || severity === null || SEVERITIES.includes(severity as Severity)) &&
    (timestamp === undefined ||
      timestamp === null ||
      (typeof timestamp === 'string' &&
        DATE_TIME.test(timestamp) &&
        isISO8601(timestamp, { strict: true }))) &&
    isPlainObject(payload) &&
    copiesVerbatim(payload)
  );
}

/**
 * Validation of the POST /events/ingest body: the global ValidationPipe was ~10 % of the ingest
 * profile, so a valid envelope is checked by hand (see fastBodyPipe).
 */
export const IngestBodyPipe = fastBodyPipe(IngestEventDto, isAcceptedIngestBody);
