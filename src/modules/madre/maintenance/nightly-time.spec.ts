import { dailyCronPattern, nextDailyRun } from './nightly-time';

describe('nightly schedule time', () => {
  it('finds the next 03:00 UTC today or tomorrow', () => {
    expect(nextDailyRun('03:00', new Date('2026-01-02T01:00:00Z')).toISOString()).toBe(
      '2026-01-02T03:00:00.000Z',
    );
    expect(nextDailyRun('03:00', new Date('2026-01-02T03:00:00Z')).toISOString()).toBe(
      '2026-01-03T03:00:00.000Z',
    );
    expect(nextDailyRun('23:45', new Date('2026-12-31T23:50:00Z')).toISOString()).toBe(
      '2027-01-01T23:45:00.000Z',
    );
  });

  it('writes the same time as a cron pattern', () => {
    expect(dailyCronPattern('03:00')).toBe('0 3 * * *');
    expect(dailyCronPattern('23:45')).toBe('45 23 * * *');
  });
});
