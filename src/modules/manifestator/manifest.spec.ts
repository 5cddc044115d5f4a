import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { declaredRoutes, ManifestError, ManifestFile, parseManifest, routeKey } from './manifest';

const tinyManifest = () => ({
  version: 1,
  modules: [
    {
      name: 'madre',
      category: 'core',
      default: 'active',
      legacy_port: 8001,
      routes: [
        { method: 'GET', path: '/madre/power/status', source: 'contract' },
        { method: 'GET', path: '/madre/plans/:id', source: 'contract' },
      ],
    },
    {
      name: 'switch',
      category: 'optional',
      default: 'dormant',
      legacy_port: 8002,
      routes: [{ method: 'POST', path: '/switch/chat', source: 'contract' }],
    },
  ],
  public_routes: [],
  events: { canonical: { 'system.alert': ['alert_id', 'severity', 'message'] }, emitted: [] },
});

describe('manifest', () => {
  it('compares routes by method and path, whatever the parameter names', () => {
    expect(routeKey('get', '/madre/plans/:id')).toBe(routeKey('GET', '/madre/plans/:planId'));
    expect(routeKey('GET', '/madre/plans/:id')).not.toBe(routeKey('POST', '/madre/plans/:id'));
    expect(routeKey('GET', '/a/:x/b')).not.toBe(routeKey('GET', '/a/:x'));
  });

  it('accepts a well-formed manifest and lists its routes with their module', () => {
    const m = parseManifest(tinyManifest());
    expect(declaredRoutes(m).map((r) => `${r.module} ${r.method} ${r.path}`)).toEqual([
      'madre GET /madre/power/status',
      'madre GET /madre/plans/:id',
      'switch POST /switch/chat',
    ]);
  });

  it('names the offending field of a malformed manifest', () => {
    const bad = tinyManifest() as Record<string, unknown>;
    (bad.modules as Array<Record<string, unknown>>)[0].category = 'sometimes';
    expect(() => parseManifest(bad)).toThrow(/modules\.0\.category/);
    expect(() => parseManifest({ ...tinyManifest(), version: 2 })).toThrow(/version/);
    expect(() => parseManifest({ ...tinyManifest(), surprise: true })).toThrow(ManifestError);
  });

  it('refuses a route declared twice (even under another parameter name) or a module twice', () => {
    const twice = tinyManifest();
    twice.modules[1].routes.push({ method: 'GET', path: '/madre/plans/:planId', source: 'x' });
    expect(() => parseManifest(twice)).toThrow(/declared by madre and switch/);
    const dup = tinyManifest();
    dup.modules.push({ ...dup.modules[0] });
    expect(() => parseManifest(dup)).toThrow(/module madre twice/);
  });

  describe('ManifestFile', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vx11-mf-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('re-reads the file when it changes, and names a missing or broken file', () => {
      const file = join(dir, 'm.json');
      const mf = new ManifestFile(file);
      expect(() => mf.load()).toThrow(ManifestError);
      writeFileSync(file, JSON.stringify(tinyManifest()));
      expect(declaredRoutes(mf.load())).toHaveLength(3);
      const more = tinyManifest();
      more.modules[0].routes.push({ method: 'GET', path: '/madre/x', source: 'e2e' });
      writeFileSync(file, JSON.stringify(more));
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect(declaredRoutes(mf.load())).toHaveLength(4);
      writeFileSync(file, '{ not json');
      expect(() => mf.load()).toThrow(/m\.json/);
    });
  });
});
