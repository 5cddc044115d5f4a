import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

const SRC = resolve(__dirname, '..');
const ROOT = resolve(SRC, '..');
const CORE = join(SRC, 'core');
const MODULES = join(SRC, 'modules');

/**
 * Modules that run only when switched on. switch and hermes are optional in the catalog too, but
 * madre and operator build on them by design (chat fallback, engines); these five nothing
 * always-on may need.
 */
const OPTIONAL = ['hormiguero', 'manifestator', 'mcp', 'shubniggurath', 'spawner'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports, re-exports, requires or import()s, resolved to a path. */
function importedPaths(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .flatMap((spec) => {
      if (spec.startsWith('.')) return [resolve(dirname(file), spec)];
      // tsconfig's baseUrl is the project root, so `src/...` resolves too
      if (spec === 'src' || spec.startsWith('src/')) return [resolve(ROOT, spec)];
      return []; // a package
    });
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);
const moduleOf = (path: string) => relative(MODULES, path).split(sep)[0];
const show = (file: string, target: string) =>
  `${relative(ROOT, file)} -> ${relative(ROOT, target)}`;

function violations(files: string[], forbidden: (target: string, file: string) => boolean) {
  return files.flatMap((file) =>
    importedPaths(file)
      .filter((target) => forbidden(target, file))
      .map((target) => show(file, target)),
  );
}

describe('core boundaries', () => {
  const coreFiles = tsFiles(CORE);
  const alwaysOnModuleFiles = readdirSync(MODULES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !OPTIONAL.includes(entry.name))
    .map((entry) => entry.name)
    .flatMap((name) => tsFiles(join(MODULES, name)));

  it('finds the files it checks', () => {
    expect(coreFiles).toContain(join(CORE, 'core.module.ts'));
    expect(alwaysOnModuleFiles).toContain(join(MODULES, 'madre', 'madre.module.ts'));
    expect(importedPaths(join(CORE, 'core.module.ts'))).toContain(
      join(CORE, 'database', 'database.module'),
    );
  });

  it('src/core imports nothing from src/modules', () => {
    expect(violations(coreFiles, (target) => inside(target, MODULES))).toEqual([]);
  });

  it('src/core code imports nothing of the app root that wires the modules (specs may read it)', () => {
    const code = coreFiles.filter((file) => !file.endsWith('.spec.ts'));
    const outsideCore = (target: string) => inside(target, SRC) && !inside(target, CORE);
    expect(violations(code, outsideCore)).toEqual([]);
  });

  it('no always-on module imports an optional one', () => {
    const optional = (target: string, file: string) =>
      inside(target, MODULES) &&
      OPTIONAL.includes(moduleOf(target)) &&
      moduleOf(target) !== moduleOf(file);
    expect(violations([...coreFiles, ...alwaysOnModuleFiles], optional)).toEqual([]);
  });

  it('every optional module named here exists', () => {
    const modules = readdirSync(MODULES);
    expect(OPTIONAL.filter((name) => !modules.includes(name))).toEqual([]);
  });
});
