import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import {
  ChainWalker,
  GENESIS_HASH,
  LedgerRow,
  rowDocument,
  rowHash,
  UnhashedRow,
} from './ledger-row';

/** Builds a valid chain of `n` rows starting after `start`. */
function chain(n: number, start = { afterId: 0, hash: GENESIS_HASH }): LedgerRow[] {
  const rows: LedgerRow[] = [];
  let prev = start.hash;
  for (let i = 1; i <= n; i += 1) {
    const unhashed: UnhashedRow = {
      id: start.afterId + i,
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: 'test.event',
      source: 'spec',
      severity: 'info',
      correlation_id: i % 2 ? `cid-${i}` : null,
      canonical: i % 3 === 0,
      payload: JSON.stringify({ i }),
      timestamp: '2026-01-02T03:04:05.678Z',
      recorded_at: '2026-01-02T03:04:05.679Z',
      prev_hash: prev,
    };
    const row = { ...unhashed, hash: rowHash(unhashed) };
    rows.push(row);
    prev = row.hash;
  }
  return rows;
}

function walk(rows: LedgerRow[], start: { afterId: number; hash: string } | null = null) {
  const walker = new ChainWalker(start);
  rows.forEach((r) => walker.add(r));
  return walker.report();
}

describe('rowHash', () => {
  const [row] = chain(1);

  it('is a sha256 hex digest that depends on prev_hash and every field', () => {
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    const variants: Partial<UnhashedRow>[] = [
      { id: 2 },
      { event_id: 'x' },
      { type: 'other' },
      { source: 'x' },
      { severity: 'error' },
      { correlation_id: 'c' },
      { canonical: true },
      { payload: '{"i":2}' },
      { timestamp: '2026-01-02T03:04:05.000Z' },
      { recorded_at: '2026-01-02T03:04:06.000Z' },
      { prev_hash: 'f'.repeat(64) },
    ];
    for (const change of variants) {
      expect({ change, same: rowHash({ ...row, ...change }) === row.hash }).toEqual({
        change,
        same: false,
      });
    }
  });

  it('hashes prev_hash followed by the canonical JSON of the other fields', () => {
    const { hash: _hash, ...unhashed } = row;
    for (const r of [
      unhashed,
      { ...unhashed, correlation_id: null, canonical: true, payload: '{"q":"\\"x\\" é\\n"}' },
    ]) {
      expect(rowDocument(r)).toBe(canonicalJson(r));
      expect(rowHash(r)).toBe(
        createHash('sha256')
          .update(r.prev_hash + canonicalJson(r))
          .digest('hex'),
      );
    }
  });

  it('is reproducible and ignores the stored hash and any extra property', () => {
    const extra = { ...row, hash: 'whatever', note: 'not a column' } as LedgerRow;
    expect(rowHash(extra)).toBe(row.hash);
  });
});

describe('ChainWalker', () => {
  it('accepts a valid chain and reports its length and head', () => {
    const rows = chain(5);
    expect(walk(rows)).toEqual({
      ok: true,
      length: 5,
      head_hash: rows[4].hash,
      first_bad_id: null,
    });
  });

  it('reports an empty ledger as ok with no head', () => {
    expect(walk([])).toEqual({ ok: true, length: 0, head_hash: null, first_bad_id: null });
  });

  it('names the first row whose content was altered', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], payload: '{"i":999}' };
    expect(walk(rows)).toMatchObject({ ok: false, first_bad_id: 3, length: 5 });
  });

  it('names the row after a deleted one (its prev_hash no longer links)', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(walk(rows)).toMatchObject({ ok: false, first_bad_id: 3 });
  });

  it('catches a row whose hash was recomputed after an edit: the next row breaks', () => {
    const rows = chain(4);
    const edited: UnhashedRow = { ...rows[1], severity: 'critical' };
    rows[1] = { ...edited, hash: rowHash(edited) };
    expect(walk(rows)).toMatchObject({ ok: false, first_bad_id: 3 });
  });

  it('starts from an anchor after retention', () => {
    const anchor = { afterId: 10, hash: 'a'.repeat(64) };
    const rows = chain(3, anchor);
    expect(walk(rows, anchor)).toEqual({
      ok: true,
      length: 3,
      head_hash: rows[2].hash,
      first_bad_id: null,
    });
    // the anchor's hash is the head of an emptied ledger
    expect(walk([], anchor)).toMatchObject({ ok: true, length: 0, head_hash: anchor.hash });
  });

  it('refuses a chain that does not link to the anchor, or a row at or below it', () => {
    const anchor = { afterId: 10, hash: 'a'.repeat(64) };
    expect(walk(chain(2, anchor), { afterId: 10, hash: 'b'.repeat(64) })).toMatchObject({
      ok: false,
      first_bad_id: 11,
    });
    const old = chain(2, { afterId: 8, hash: anchor.hash });
    expect(walk(old, { afterId: 9, hash: anchor.hash })).toMatchObject({ first_bad_id: 9 });
  });
});
