import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** prev_hash of the very first row of a ledger that was never pruned. */
export const GENESIS_HASH = '0'.repeat(64);

/** One ledger row as stored (`canonical` as a boolean, `payload` as canonical JSON text). */
export interface LedgerRow {
  id: number;
  event_id: string;
  type: string;
  source: string;
  severity: string;
  correlation_id: string | null;
  canonical: boolean;
  payload: string;
  timestamp: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

export type UnhashedRow = Omit<LedgerRow, 'hash'>;

/**
 * sha256(prev_hash + canonical JSON of every other field of the row). The fields are listed
 * one by one so nothing outside the row's columns can end up in (or out of) the hash. The
 * payload is hashed as its stored text, so verification never has to re-parse it.
 */
export function rowHash(row: UnhashedRow): string {
  const doc = canonicalJson({
    id: row.id,
    event_id: row.event_id,
    type: row.type,
    source: row.source,
    severity: row.severity,
    correlation_id: row.correlation_id,
    canonical: row.canonical,
    payload: row.payload,
    timestamp: row.timestamp,
    recorded_at: row.recorded_at,
    prev_hash: row.prev_hash,
  });
  return createHash('sha256').update(row.prev_hash).update(doc).digest('hex');
}

/** Where the kept chain starts after retention removed older rows (see ledger_anchor). */
export interface ChainStart {
  /** The last removed row's id; no kept row may have an id at or below it. */
  afterId: number;
  /** The last removed row's hash: the first kept row's prev_hash. */
  hash: string;
}

export interface VerifyReport {
  ok: boolean;
  length: number;
  head_hash: string | null;
  first_bad_id: number | null;
}

/**
 * Checks a chain fed to it row by row in id order: each row must link to the previous one (or
 * to the anchor / genesis) and carry its own correct hash. Remembers the first row that fails.
 */
export class ChainWalker {
  private expectedPrev: string;
  private readonly floorId: number;
  private length = 0;
  private head: string | null;
  private firstBadId: number | null = null;

  constructor(start: ChainStart | null) {
    this.expectedPrev = start?.hash ?? GENESIS_HASH;
    this.floorId = start?.afterId ?? 0;
    this.head = start?.hash ?? null;
  }

  add(row: LedgerRow): void {
    this.length += 1;
    if (
      this.firstBadId === null &&
      (row.id <= this.floorId || row.prev_hash !== this.expectedPrev || rowHash(row) !== row.hash)
    ) {
      this.firstBadId = row.id;
    }
    this.expectedPrev = row.hash;
    this.head = row.hash;
  }

  report(): VerifyReport {
    return {
      ok: this.firstBadId === null,
      length: this.length,
      head_hash: this.head,
      first_bad_id: this.firstBadId,
    };
  }
}
