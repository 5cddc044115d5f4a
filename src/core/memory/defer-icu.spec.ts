import { withDeferredDateFormats } from './defer-icu';

/** Counts the date formatters actually built while a test runs. */
function countFormattersBuilt(): { built: () => number; restore: () => void } {
  const Real = Intl.DateTimeFormat;
  let built = 0;
  const Counting = function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    built += 1;
    return new Real(...args);
  } as unknown as typeof Intl.DateTimeFormat;
  Object.setPrototypeOf(Counting, Real);
  Intl.DateTimeFormat = Counting;
  return { built: () => built, restore: () => (Intl.DateTimeFormat = Real) };
}

describe('defer-icu', () => {
  let counter: ReturnType<typeof countFormattersBuilt>;
  beforeEach(() => (counter = countFormattersBuilt()));
  afterEach(() => counter.restore());

  it("loads Nest without building a date formatter; Nest's logger builds it when it prints", () => {
    jest.isolateModules(() => {
      require('./defer-icu');
      const { ConsoleLogger } = require('@nestjs/common') as typeof import('@nestjs/common');
      expect(counter.built()).toBe(0);

      const lines: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk));
        return true;
      });
      try {
        new ConsoleLogger('Spec', { colors: false }).log('hello');
      } finally {
        write.mockRestore();
      }
      expect(counter.built()).toBe(1);
      const year = String(new Date().getFullYear());
      expect(lines.join('')).toContain(year);
      expect(lines.join('')).toContain('[Spec] hello');
    });
  });

  it('computes cron schedules without building a date formatter', () => {
    jest.isolateModules(() => {
      require('./defer-icu');
      const { parseExpression } = require('cron-parser') as {
        parseExpression: (cron: string, opts: { currentDate: Date }) => { next(): Date };
      };
      const next = parseExpression('30 3 * * *', {
        currentDate: new Date(2026, 11, 2, 1, 0),
      }).next();
      expect(next.getTime()).toBe(new Date(2026, 11, 2, 3, 30).getTime());
      expect(counter.built()).toBe(0);
    });
  });

  it('a deferred formatter behaves as the real one, and Intl is restored even on a throw', () => {
    const options: Intl.DateTimeFormatOptions = { timeZone: 'UTC', dateStyle: 'medium' };
    const when = Date.UTC(2026, 11, 2, 12);
    const deferred = withDeferredDateFormats(() => new Intl.DateTimeFormat('en-GB', options));
    expect(counter.built()).toBe(0);
    expect(deferred).toBeInstanceOf(Intl.DateTimeFormat);
    expect(deferred.format(when)).toBe('2 Dec 2026');
    expect(deferred.formatToParts(when)).toEqual(
      new Intl.DateTimeFormat('en-GB', options).formatToParts(when),
    );
    expect(deferred.resolvedOptions().locale).toBe('en-GB');

    const before = Intl.DateTimeFormat;
    expect(() =>
      withDeferredDateFormats(() => {
        throw new Error('load failed');
      }),
    ).toThrow('load failed');
    expect(Intl.DateTimeFormat).toBe(before);
  });
});
