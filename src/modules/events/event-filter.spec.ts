import { EventFilter, FilterTermError, isTypePattern } from './event-filter';

const ev = (type: string, severity = 'info') => ({ type, severity });

describe('EventFilter', () => {
  it('lets everything through by default', () => {
    const f = new EventFilter();
    expect(f.matches(ev('window.opened'))).toBe(true);
    expect(f.matches(ev('x', 'critical'))).toBe(true);
    expect(f.toSql()).toEqual({ where: [], params: [] });
  });

  it('matches exact types and prefix families', () => {
    const f = new EventFilter(['system.alert', 'window.*']);
    expect(f.matches(ev('system.alert'))).toBe(true);
    expect(f.matches(ev('window.opened'))).toBe(true);
    expect(f.matches(ev('window.closed'))).toBe(true);
    expect(f.matches(ev('windows.opened'))).toBe(false);
    expect(f.matches(ev('window'))).toBe(false);
    expect(f.matches(ev('system.alerts'))).toBe(false);
  });

  it('treats * as everything and an empty list as nothing', () => {
    expect(new EventFilter(['a.b', '*']).matches(ev('z'))).toBe(true);
    const none = new EventFilter([]);
    expect(none.matches(ev('a.b'))).toBe(false);
    expect(none.toSql().where).toEqual(['0']);
  });

  it('filters by severity', () => {
    const f = new EventFilter(null, ['error', 'critical']);
    expect(f.matches(ev('a', 'error'))).toBe(true);
    expect(f.matches(ev('a', 'info'))).toBe(false);
  });

  it('renders the same selection as SQL', () => {
    const f = new EventFilter(['window.*', 'system.alert'], ['error']);
    expect(f.toSql()).toEqual({
      where: ['(type IN (?) OR substr(type, 1, 7) = ?)', 'severity IN (?)'],
      params: ['system.alert', 'window.', 'error'],
    });
  });

  it('gives equal keys to equal selections regardless of order or repeats', () => {
    expect(new EventFilter(['b', 'a', 'a']).key).toBe(new EventFilter(['a', 'b']).key);
    expect(new EventFilter(['*']).key).toBe(new EventFilter(null).key);
    expect(new EventFilter(['a']).key).not.toBe(new EventFilter(['a'], ['error']).key);
  });

  it('parses comma lists from a query string', () => {
    const f = EventFilter.fromQuery('window.opened, system.*', 'warning,error');
    expect(f.matches(ev('system.alert', 'error'))).toBe(true);
    expect(f.matches(ev('system.alert', 'info'))).toBe(false);
    expect(EventFilter.fromQuery(undefined, undefined).key).toBe(new EventFilter().key);
    expect(EventFilter.fromQuery('', '').key).toBe(new EventFilter().key);
  });

  it('names a bad term (and its list) from a query string', () => {
    expect(() => EventFilter.fromQuery('x'.repeat(129), undefined)).toThrow(FilterTermError);
    const thrown = (() => {
      try {
        EventFilter.fromQuery(undefined, 'nope');
      } catch (err) {
        return err as FilterTermError;
      }
    })();
    expect(thrown).toBeInstanceOf(FilterTermError);
    expect(thrown?.field).toBe('severity');
    expect(() => EventFilter.fromQuery('ok.type,bad type', undefined)).toThrow(
      'invalid type: "bad type"',
    );
    expect(() => EventFilter.fromQuery(undefined, 'info,loud')).toThrow('invalid severity: "loud"');
    expect(() => EventFilter.fromQuery(Array(51).fill('a').join(','), undefined)).toThrow(
      'at most 50',
    );
  });
});

describe('isTypePattern', () => {
  it.each(['window.opened', 'a', 'system.correlation.updated', 'x_y-z.W2', '*', 'window.*'])(
    'accepts %s',
    (t) => expect(isTypePattern(t)).toBe(true),
  );
  it.each(['', '.a', 'a.', 'a..b', '1abc', 'a b', 'a.*.b', '*.a', 'a*', 'x'.repeat(129), 7, null])(
    'refuses %j',
    (t) => expect(isTypePattern(t)).toBe(false),
  );
});
