import { CANONICAL_TYPES, canonicalPayloadProblems, isCanonicalType } from './canonical-types';

const VALID: Record<string, Record<string, unknown>> = {
  'system.alert': { alert_id: 'a1', severity: 'critical', message: 'disk full' },
  'system.correlation.updated': {
    correlation_id: 'c1',
    related_events: ['e1', 'e2'],
    strength: 0.8,
  },
  'forensic.snapshot.created': { snapshot_id: 's1', reason: 'nightly' },
  'madre.decision.explained': { decision_id: 'd1', summary: 'woke switch', confidence: 0.9 },
  'switch.tension.updated': { value: 3, components: { latency: 1, errors: 2 } },
  'shub.action.narrated': { action: 'normalize', reason: 'too loud', next_step: 'export' },
};

describe('canonical payload validation', () => {
  it('covers exactly the six canonical types of the contract', () => {
    expect(Object.keys(CANONICAL_TYPES).sort()).toEqual(Object.keys(VALID).sort());
    expect(isCanonicalType('system.alert')).toBe(true);
    expect(isCanonicalType('window.opened')).toBe(false);
    expect(isCanonicalType('constructor')).toBe(false); // no prototype keys
  });

  it.each(Object.entries(VALID))(
    'accepts a complete %s payload (extra fields allowed)',
    (type, p) => {
      expect(canonicalPayloadProblems(type, { ...p, extra: 'fine' })).toEqual([]);
    },
  );

  it('names every missing field', () => {
    expect(canonicalPayloadProblems('shub.action.narrated', { action: 'x' })).toEqual([
      { field: 'payload.reason', errors: ['payload.reason is required (a non-empty string)'] },
      {
        field: 'payload.next_step',
        errors: ['payload.next_step is required (a non-empty string)'],
      },
    ]);
  });

  it('treats null as missing', () => {
    const problems = canonicalPayloadProblems('forensic.snapshot.created', {
      snapshot_id: null,
      reason: 'r',
    });
    expect(problems.map((p) => p.field)).toEqual(['payload.snapshot_id']);
  });

  it.each([
    ['system.correlation.updated', 'related_events', 'e1', 'must be an array'],
    ['system.correlation.updated', 'related_events', { 0: 'e1' }, 'must be an array'],
    ['system.correlation.updated', 'strength', '0.8', 'must be a number'],
    ['madre.decision.explained', 'confidence', true, 'must be a number'],
    ['switch.tension.updated', 'value', 2.5, 'must be an integer'],
    ['switch.tension.updated', 'value', '3', 'must be an integer'],
    ['switch.tension.updated', 'components', [1, 2], 'must be an object'],
    ['switch.tension.updated', 'components', 'x', 'must be an object'],
    ['system.alert', 'alert_id', 42, 'must be a non-empty string'],
    ['system.alert', 'message', '', 'must be a non-empty string'],
  ])('refuses %s with %s = %j', (type, field, value, error) => {
    const problems = canonicalPayloadProblems(type, { ...VALID[type], [field]: value });
    expect(problems).toEqual([
      { field: `payload.${field}`, errors: [`payload.${field} ${error}`] },
    ]);
  });

  it('reports missing and mistyped fields together', () => {
    const problems = canonicalPayloadProblems('system.correlation.updated', { strength: 'high' });
    expect(problems.map((p) => p.field)).toEqual([
      'payload.correlation_id',
      'payload.related_events',
      'payload.strength',
    ]);
  });
});
