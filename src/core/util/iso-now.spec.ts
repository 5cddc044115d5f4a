import pino from 'pino';
import { isoNow, isoTimeField } from './iso-now';

describe('isoNow', () => {
  it('writes what toISOString() writes, across milliseconds, seconds, days and years', () => {
    const starts = [
      Date.UTC(2026, 11, 3, 6, 59, 59, 990),
      Date.UTC(2026, 11, 31, 23, 59, 59, 995), // into the next year
      Date.UTC(2028, 1, 28, 23, 59, 59, 0), // a leap day next
      0,
      Date.now(),
    ];
    for (const start of starts) {
      for (let now = start; now < start + 1_200; now += 1) {
        expect(isoNow(now)).toBe(new Date(now).toISOString());
      }
    }
  });

  it('follows a clock that goes back', () => {
    const later = Date.UTC(2026, 11, 3, 7, 0, 1, 5);
    expect(isoNow(later)).toBe('2026-12-03T07:00:01.005Z');
    expect(isoNow(later - 2_000)).toBe('2026-12-03T06:59:59.005Z');
  });

  it("is now when called without a time, in pino's time field shape", () => {
    const before = Date.now();
    const field = isoTimeField();
    const after = Date.now();
    const match = /^,"time":"(.+)"$/.exec(field);
    expect(match).not.toBeNull();
    const at = Date.parse(match![1]);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(pino.stdTimeFunctions.isoTime().length).toBe(field.length);
  });
});
