import { healthFindings, summarize } from './health.ant';

const row = (module: string, ok: boolean, i: number) => ({
  module,
  ok,
  detail: ok ? 'ok' : 'boom',
  checked_at: new Date(Date.UTC(2026, 10, 30, 12, 0, i)).toISOString(),
});

describe('health ant', () => {
  it('reports nothing for modules that only passed', () => {
    const rows = [0, 1, 2].map((i) => row('madre', true, i));
    expect(healthFindings(summarize(rows), 4)).toEqual([]);
  });

  it('reports a module failing now, one that failed recently, and one flapping', () => {
    const rows = [
      ...[true, true, false, false].map((ok, i) => row('switch', ok, i)),
      ...[true, false, true, true].map((ok, i) => row('hermes', ok, i)),
      ...[true, false, true, false, true].map((ok, i) => row('spawner', ok, i)),
    ];
    const findings = healthFindings(summarize(rows), 4);
    expect(findings.map((f) => [f.title, f.kind, f.severity])).toEqual([
      ['switch health failing', 'health.failing', 'medium'],
      ['hermes health failed recently', 'health.recent_failures', 'low'],
      ['spawner health flapping', 'health.flapping', 'medium'],
    ]);
    expect(findings[0].evidence).toMatchObject({ checks: 4, failures: 2, last_ok: false });
  });
});
