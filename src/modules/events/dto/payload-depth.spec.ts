import { nestsDeeperThan } from '../../../core/util/nesting';
import { ApiError } from '../../../core/errors/api-error';
import { MAX_PAYLOAD_DEPTH, refuseDeepPayload } from './payload-depth';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { k: value };
  return value;
};

describe('nestsDeeperThan', () => {
  it('counts objects and arrays as levels; scalars add none', () => {
    expect(nestsDeeperThan(7, 0)).toBe(false);
    expect(nestsDeeperThan('x', 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
  });

  it('accepts exactly the limit and refuses one more', () => {
    expect(nestsDeeperThan(nested(MAX_PAYLOAD_DEPTH), MAX_PAYLOAD_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_PAYLOAD_DEPTH + 1), MAX_PAYLOAD_DEPTH)).toBe(true);
  });

  it('handles hostile depth without recursion', () => {
    expect(nestsDeeperThan(nested(200_000), MAX_PAYLOAD_DEPTH)).toBe(true);
  });

  it('finds a deep branch next to shallow ones', () => {
    expect(nestsDeeperThan({ a: 1, b: [2, 3], c: { d: nested(40) } }, MAX_PAYLOAD_DEPTH)).toBe(
      true,
    );
  });
});

describe('refuseDeepPayload', () => {
  it('lets a payload of exactly the limit through and refuses one more level', () => {
    expect(() =>
      refuseDeepPayload({ type: 'a.b', payload: nested(MAX_PAYLOAD_DEPTH) }),
    ).not.toThrow();
    expect(() =>
      refuseDeepPayload({ type: 'a.b', payload: nested(MAX_PAYLOAD_DEPTH + 1) }),
    ).toThrow(ApiError);
  });

  it('names the payload and the limit', () => {
    try {
      refuseDeepPayload({ payload: nested(1000) });
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).details).toEqual([
        { field: 'payload', errors: ['payload must not nest deeper than 32 levels'] },
      ]);
    }
  });
});
