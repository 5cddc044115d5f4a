import { jsonTextNestsDeeperThan, nestsDeeperThan, parseBoundedJson } from './nesting';

describe('jsonTextNestsDeeperThan', () => {
  it('agrees with nestsDeeperThan on parsed documents', () => {
    const documents = ['1', '"s"', '{}', '[]', '{"a":[1,{"b":2}]}', '[[[]],[[[{}]]]]', '{"a":{}}'];
    for (const text of documents) {
      for (let limit = 0; limit <= 5; limit += 1) {
        expect([text, limit, jsonTextNestsDeeperThan(text, limit)]).toEqual([
          text,
          limit,
          nestsDeeperThan(JSON.parse(text), limit),
        ]);
      }
    }
  });

  it('refuses the 5000-deep crash frame and 1,000,000-deep text without recursing', () => {
    const crash = `{"action":"subscribe","types":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(jsonTextNestsDeeperThan(crash, 4)).toBe(true);
    expect(jsonTextNestsDeeperThan('['.repeat(1_000_000), 64)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonTextNestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonTextNestsDeeperThan(JSON.stringify(['\\"[[[[', '"{{{']), 1)).toBe(false);
    expect(jsonTextNestsDeeperThan(JSON.stringify(['\\', [[]]]), 2)).toBe(true);
  });
});

describe('parseBoundedJson', () => {
  const limits = { maxChars: 100, maxDepth: 3 };

  it('parses what is within the limits', () => {
    expect(parseBoundedJson('{"a":[1,{"b":null}]}', limits)).toEqual({
      ok: true,
      value: { a: [1, { b: null }] },
    });
  });

  it('refuses, without throwing, text too long, too deep, or not JSON', () => {
    expect(parseBoundedJson(`"${'x'.repeat(100)}"`, limits)).toEqual({
      ok: false,
      reason: 'too_large',
    });
    expect(parseBoundedJson('[[[[1]]]]', limits)).toEqual({ ok: false, reason: 'too_deep' });
    expect(parseBoundedJson('{nope', limits)).toEqual({ ok: false, reason: 'invalid_json' });
    expect(parseBoundedJson('', limits)).toEqual({ ok: false, reason: 'invalid_json' });
  });
});
