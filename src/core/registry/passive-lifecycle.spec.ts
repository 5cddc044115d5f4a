import { AppConfig } from '../config/app-config';
import { PassiveLifecycle } from './passive-lifecycle';
import { ModuleRegistry } from './module-registry.service';

describe('PassiveLifecycle health', () => {
  const registry = new ModuleRegistry({ legacyPorts: {} } as unknown as AppConfig);
  const states = registry.claimStateWriter();
  states.set('hermes', 'active', new Date().toISOString());
  states.set('mcp', 'active', new Date().toISOString());

  it('reads each table the module owns', async () => {
    const seen: string[] = [];
    const hermes = new PassiveLifecycle('hermes', registry, async (sql) => seen.push(sql));
    expect(await hermes.health()).toEqual({
      ok: true,
      detail: 'tables readable: hermes_engines, provider_usage',
    });
    expect(seen).toEqual([
      'SELECT 1 FROM "hermes_engines" LIMIT 1',
      'SELECT 1 FROM "provider_usage" LIMIT 1',
    ]);
  });

  it('pings the database when it owns no table, and reports a failing database as a dependency', async () => {
    const mcp = new PassiveLifecycle('mcp', registry, async () => undefined);
    expect((await mcp.health()).detail).toBe('database reachable');
    const broken = new PassiveLifecycle('mcp', registry, async () => {
      throw new Error('SQLITE_CANTOPEN');
    });
    expect(await broken.health()).toEqual({
      ok: false,
      detail: 'database: SQLITE_CANTOPEN',
      dependency: 'database',
    });
  });

  it('is unhealthy while the module is not active', async () => {
    const off = new PassiveLifecycle('spawner', registry, async () => undefined);
    expect(await off.health()).toEqual({ ok: false, detail: 'module is off' });
  });
});
