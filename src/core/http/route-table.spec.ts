import { RouteTable } from './route-table';

describe('RouteTable.methodsAt', () => {
  const table = new RouteTable();
  table.add('GET', '/health');
  table.add(['GET', 'HEAD'], '/operator/session/:id');
  table.add('POST', '/madre/power/policy/:name/apply');
  table.add('GET', '/madre/power/policy/:name/status');
  table.add('DELETE', '/hermes/engines/:name');
  table.add('GET', '/hermes/engines');
  table.add('POST', '/hermes/engines');
  table.add('GET', '/operator/ui/*');

  it('lists what a concrete path serves, HEAD alongside GET', () => {
    expect(table.methodsAt('/health')).toEqual(['GET', 'HEAD']);
    expect(table.methodsAt('/hermes/engines')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.methodsAt('/hermes/engines/local')).toEqual(['DELETE']);
    expect(table.methodsAt('/madre/power/policy/full/apply')).toEqual(['POST']);
    expect(table.methodsAt('/operator/session/abc')).toEqual(['GET', 'HEAD']);
  });

  it('matches decoded parameters, the wildcard tail, and nothing else', () => {
    expect(table.methodsAt('/operator/session/a%20b')).toEqual(['GET', 'HEAD']);
    expect(table.methodsAt('/operator/ui/')).toEqual(['GET', 'HEAD']);
    expect(table.methodsAt('/operator/ui/views/chat.js')).toEqual(['GET', 'HEAD']);
    expect(table.methodsAt('/operator/session/')).toEqual([]);
    expect(table.methodsAt('/operator/session/a/b')).toEqual([]);
    expect(table.methodsAt('/health/')).toEqual([]);
    expect(table.methodsAt('/nope')).toEqual([]);
  });
});
