import { createHash } from 'node:crypto';

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
 * The canonical JSON of a row without its hash: its eleven fields in sorted key order, written
 * out by hand because this runs for every event (canonicalJson gives the same text; a unit
 * test holds the two together). The payload goes in as its stored text, so verification never
 * has to re-parse it.
 */
export function rowDocument(row: UnhashedRow): string {
  const str = JSON.stringify;
  return (
    `{"canonical":${row.canonical ? 'true' : 'false'}` +
    `,"correlation_id":${row.correlation_id === null ? 'null' : str(row.correlation_id)}` +
    `,"event_id":${str(row.event_id)}` +
    `,"id":${str(row.id)}` +
    `,"payload":${str(row.payload)}` +
    `,"prev_hash":${str(row.prev_hash)}` +
    `,"recorded_at":${str(row.recorded_at)}` +
    `,"severity":${str(row.severity)}` +
    `,"source":${str(row.source)}` +
    `,"timestamp":${str(row.timestamp)}` +
    `,"type":${str(row.type)}}`
  );
}

/** sha256(prev_hash + canonical JSON of every other field of the row), hex. */
export function rowHash(row: UnhashedRow): string {
  return createHash('sha256').update(row.prev_hash).update(rowDocument(row)).digest('hex');
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
