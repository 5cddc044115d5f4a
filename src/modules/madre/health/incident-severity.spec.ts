import { healthIncident } from './incident-id';
import { mostUrgent, severityLevel } from './incident-severity';

describe('severityLevel (the one S1–S4 mapping)', () => {
  it.each([
    // S1: data loss or ledger broken
    [{ kind: 'chat_persistence', source: 'operator', severity: 'error' }, 'S1'],
    [{ kind: 'ledger_broken', source: 'events', severity: 'critical' }, 'S1'],
    [{ kind: 'db_integrity', source: 'hormiguero' }, 'S1'],
    [{ kind: 'quick_check_failed', source: 'hormiguero' }, 'S1'],
    [{ kind: 'hormiguero.db', source: 'hormiguero', severity: 'critical' }, 'S1'],
    [{ kind: 'hormiguero.db', source: 'hormiguero', severity: 'warning' }, 'S4'],
    [{ kind: 'hormiguero.logs', source: 'hormiguero', severity: 'error' }, 'S4'],
    [{ kind: 'hormiguero.health', source: 'hormiguero', severity: 'error' }, 'S3'],
    // S2: a core module down
    [{ ...healthIncident('madre'), severity: 'critical' }, 'S2'],
    [{ ...healthIncident('tentaculo_link'), severity: 'critical' }, 'S2'],
    [{ ...healthIncident('operator'), severity: 'critical' }, 'S2'],
    // S3: an optional module failing, degraded chat
    [{ ...healthIncident('switch'), severity: 'error' }, 'S3'],
    [{ ...healthIncident('spawner'), severity: 'error' }, 'S3'],
    [{ kind: 'provider_budget', source: 'hermes', severity: 'warning' }, 'S3'],
    [{ kind: 'chat_degraded', source: 'switch', severity: 'warning' }, 'S3'],
    // S4: metrics and logs
    [{ kind: 'log_rotation', source: 'madre', severity: 'warning' }, 'S4'],
    [{ kind: 'metrics_scrape', source: 'operator', severity: 'error' }, 'S4'],
    [{ kind: 'queue_backlog', source: 'madre', severity: 'warning' }, 'S4'],
    [{ kind: 'queue_backlog', source: 'madre', severity: 'error' }, 'S3'],
    // anything else: by the event severity
    [{ kind: 'fs_drift', source: 'madre', severity: 'critical' }, 'S2'],
    [{ kind: 'fs_drift', source: 'hormiguero', severity: 'error' }, 'S3'],
    [{ kind: 'pressure', source: 'hormiguero', severity: 'warning' }, 'S4'],
  ] as const)('%o → %s', (input, level) => {
    expect(severityLevel(input)).toBe(level);
  });

  it('keeps the more urgent of two levels', () => {
    expect(mostUrgent('S3', 'S1')).toBe('S1');
    expect(mostUrgent('S2', 'S4')).toBe('S2');
    expect(mostUrgent('S4', 'S4')).toBe('S4');
  });
});
