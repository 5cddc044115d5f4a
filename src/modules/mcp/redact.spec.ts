import { REDACTED, redactArguments } from './redact';

describe('redactArguments', () => {
  it('replaces values under secret-looking names, at any depth', () => {
    expect(
      redactArguments({
        message: 'hi',
        api_key: 'sk-1',
        nested: { Authorization: 'Bearer x', password: 'p', apiKey: 'k', keep: 1 },
        list: [{ token: 't', name: 'n' }],
      }),
    ).toEqual({
      message: 'hi',
      api_key: REDACTED,
      nested: { Authorization: REDACTED, password: REDACTED, apiKey: REDACTED, keep: 1 },
      list: [{ token: REDACTED, name: 'n' }],
    });
  });

  it('keeps the record small: long strings cut, long lists and deep objects trimmed', () => {
    const out = redactArguments({
      text: 'x'.repeat(1000),
      items: Array.from({ length: 30 }, (_, i) => i),
      deep: { a: { b: { c: { d: 1 } } } },
    }) as Record<string, unknown>;
    expect(out.text).toBe(`${'x'.repeat(256)}… (1000 chars)`);
    expect(out.items).toHaveLength(21);
    expect((out.items as unknown[])[20]).toBe('… 10 more');
    expect(out.deep).toEqual({ a: { b: { c: '[…]' } } });
  });

  it('passes scalars through and turns undefined into null', () => {
    expect(redactArguments(3)).toBe(3);
    expect(redactArguments(true)).toBe(true);
    expect(redactArguments(undefined)).toBeNull();
    expect(redactArguments(null)).toBeNull();
  });
});
