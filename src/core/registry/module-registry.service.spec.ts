import { AppConfig } from '../config/app-config';
import { ModuleRegistry } from './module-registry.service';

describe('ModuleRegistry state', () => {
  const newRegistry = () => new ModuleRegistry({ legacyPorts: {} } as unknown as AppConfig);

  it('changes only through the writer it hands out', () => {
    const registry = newRegistry();
    expect('setState' in registry).toBe(false);
    const writer = registry.claimStateWriter();
    writer.set('switch', 'failed', '2030-01-01T00:00:00.000Z', 'worker crashed');
    expect(registry.get('switch')).toMatchObject({
      state: 'failed',
      since: '2030-01-01T00:00:00.000Z',
      lastError: 'worker crashed',
    });
    writer.set('switch', 'active', '2030-01-01T00:01:00.000Z');
    expect(registry.get('switch')).toMatchObject({ state: 'active', lastError: null });
    expect(() => writer.set('no-such-module', 'active', '2030-01-01T00:00:00.000Z')).toThrow(
      'Unknown module: no-such-module',
    );
  });

  it('hands out one writer: a second claim throws', () => {
    const registry = newRegistry();
    registry.claimStateWriter();
    expect(() => registry.claimStateWriter()).toThrow('already claimed');
    expect(registry.state('switch')).toBe('off');
  });
});
