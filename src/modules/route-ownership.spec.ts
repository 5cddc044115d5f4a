import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const MODULES = __dirname;
/** Optional modules keep their own `/vx11/*` aliases, so the alias goes dormant with them. */
const OPTIONAL = ['hormiguero', 'manifestator', 'mcp', 'shubniggurath', 'spawner'];

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(path);
    return entry.name.endsWith('.controller.ts') ? [path] : [];
  });
}

/** Every route path a controller file declares: its @Controller prefix joined with each method's. */
function routePaths(source: string): string[] {
  const prefix = /@Controller\(\s*(?:'([^']*)')?/.exec(source)?.[1] ?? '';
  const methods = [...source.matchAll(/@(?:Get|Post|Put|Patch|Delete|All)\(\s*(?:'([^']*)')?/g)];
  return methods.map(([, path]) => [prefix, path ?? ''].filter((part) => part !== '').join('/'));
}

/** The module a path names (CONTRACT's owners; the gateway answers its own top-level routes). */
function ownerOf(path: string, fileModule: string): string {
  const first = path.split('/')[0];
  if (first === 'operator' || first === 'v1') return 'operator';
  if (first === 'vx11') return OPTIONAL.includes(fileModule) ? fileModule : 'tentaculo-link';
  if (['health', 'metrics', 'api', 'docs'].includes(first)) return 'tentaculo-link';
  if (first === 'shub') return 'shubniggurath';
  if (first === 'ws') return 'events'; // the ledger's live feed
  return first;
}

describe('route ownership', () => {
  const files = controllerFiles(MODULES);

  it('finds the controllers it checks', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(
      routePaths(readFileSync(join(MODULES, 'madre/power/power.controller.ts'), 'utf8')),
    ).toContain('madre/power/window/open');
  });

  it('serves every route from the module its path names', () => {
    const misplaced = files.flatMap((file) => {
      const fileModule = relative(MODULES, file).split(sep)[0];
      return routePaths(readFileSync(file, 'utf8'))
        .filter((path) => ownerOf(path, fileModule) !== fileModule)
        .map((path) => `/${path} is served by ${relative(MODULES, file)}`);
    });
    expect(misplaced).toEqual([]);
  });
});
