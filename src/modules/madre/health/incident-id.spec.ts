import { healthIncident, incidentId } from './incident-id';

describe('incident ids', () => {
  it('are stable for the same kind, title and source and differ otherwise', () => {
    const id = incidentId('health_check', 'switch health check failing', 'switch');
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(incidentId('health_check', 'switch health check failing', 'switch')).toBe(id);
    expect(incidentId('health_check', 'switch health check failing', 'madre')).not.toBe(id);
    expect(incidentId('db', 'switch health check failing', 'switch')).not.toBe(id);
    // the separator keeps "a"+"bc" and "ab"+"c" apart
    expect(incidentId('a', 'bc', 'x')).not.toBe(incidentId('ab', 'c', 'x'));
  });

  it('gives each module one health incident', () => {
    expect(healthIncident('switch')).toEqual({
      kind: 'health_check',
      title: 'switch health check failing',
      source: 'switch',
      id: incidentId('health_check', 'switch health check failing', 'switch'),
    });
  });
});
