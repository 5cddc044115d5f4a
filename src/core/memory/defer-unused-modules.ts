import Module from 'node:module';
import { dirname } from 'node:path';
import { isSea } from '../sea/sea';

/**
 * Keeps an idle VX11 from holding dependency code it never runs: ~5 MB of idle RSS
 * (bench/README.md item 28). Each of these modules is required by a module VX11 does use, at
 * load time, but only called for something VX11 never does:
 * - TypeORM's DriverFactory requires the driver of every database it supports; VX11 only ever
 *   builds the better-sqlite3 one.
 * - class-validator's index loads `@IsPhoneNumber`, and with it libphonenumber-js's metadata;
 *   no VX11 body has a phone number.
 * - Fastify loads fast-json-stringify to compile the serializer of a route with a response
 *   schema; Nest gives its routes none (Fastify's error serializer is prebuilt).
 * Until something touches one of them, its `require()` returns a stand-in whose first use loads
 * the real module and acts on it, so a path VX11 did not foresee still works (it just pays the
 * memory then). main.ts imports this module before anything loads TypeORM or class-validator:
 * importing it is what does it. Not in the single executable: there every module is a function
 * of one bundled script, compiled from V8's code cache and never loaded as a file of its own,
 * and the same stand-ins in its bundle measured no difference.
 */

/**
 * A module to defer: `request`, as resolved from the package that requires it (`by`);
 * `exports: 'function'` when the module exports a function (its stand-in must be callable).
 */
export interface DeferredModule {
  by: string;
  request: string;
  exports?: 'object' | 'function';
}

const TYPEORM_DRIVERS_NOT_USED = [
  'aurora-mysql/AuroraMysqlDriver',
  'aurora-postgres/AuroraPostgresDriver',
  'capacitor/CapacitorDriver',
  'cockroachdb/CockroachDriver',
  'cordova/CordovaDriver',
  'expo/ExpoDriverFactory',
  'mongodb/MongoDriver',
  'mysql/MysqlDriver',
  'nativescript/NativescriptDriver',
  'oracle/OracleDriver',
  'postgres/PostgresDriver',
  'react-native/ReactNativeDriver',
  'sap/SapDriver',
  'spanner/SpannerDriver',
  'sqljs/SqljsDriver',
  'sqlite/SqliteDriver', // the `sqlite3` package's; VX11's is driver/better-sqlite3
  'sqlserver/SqlServerDriver',
];

export const DEFERRED_MODULES: readonly DeferredModule[] = [
  { by: 'class-validator', request: 'libphonenumber-js/max', exports: 'function' },
  {
    by: '@fastify/fast-json-stringify-compiler',
    request: 'fast-json-stringify',
    exports: 'function',
  },
  ...TYPEORM_DRIVERS_NOT_USED.map((driver) => ({
    by: 'typeorm',
    request: `typeorm/driver/${driver}`,
  })),
];

/**
 * The stand-in for a module's exports: every operation on it (reading, writing, listing,
 * `in`, and calling or `new` when it stands for a function) loads the real exports once and is
 * done on them.
 */
export function deferredExports(
  load: () => object,
  exports: DeferredModule['exports'] = 'object',
): object {
  let real: object | undefined;
  const target = () => (real ??= load());
  // A bound function: callable and constructible, with no own `prototype` to keep consistent.
  const shape = exports === 'function' ? function () {}.bind(null) : {};
  return new Proxy(shape as object, {
    apply: (_, self, args: unknown[]) =>
      Reflect.apply(target() as (...args: unknown[]) => unknown, self, args),
    construct: (_, args: unknown[], newTarget: new (...args: unknown[]) => object) =>
      Reflect.construct(target() as new (...args: unknown[]) => object, args, newTarget),
    get: (_, key) => Reflect.get(target(), key),
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(target(), key, descriptor),
    ownKeys: () => Reflect.ownKeys(target()),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      // A proxy may not report a property its target lacks as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/** The file `request` resolves to from package `by`, or undefined if either is not installed. */
export function resolveDeferred({ by, request }: DeferredModule): string | undefined {
  try {
    return require.resolve(request, { paths: [dirname(require.resolve(by))] });
  } catch {
    return undefined; // not installed here, or moved in another version: nothing to defer
  }
}

/**
 * Puts a stand-in in Node's module cache for each module not loaded yet; returns the files
 * deferred. Its first use swaps the real module in (the cache then holds the real one).
 */
export function deferModules(modules: readonly DeferredModule[]): string[] {
  const deferred: string[] = [];
  for (const entry of modules) {
    const file = resolveDeferred(entry);
    if (!file || require.cache[file]) continue;
    const standIn = new Module(file);
    standIn.filename = file;
    standIn.loaded = true;
    standIn.exports = deferredExports(() => {
      if (require.cache[file] === standIn) delete require.cache[file];
      return require(file) as object;
    }, entry.exports);
    require.cache[file] = standIn;
    deferred.push(file);
  }
  return deferred;
}

if (!isSea()) deferModules(DEFERRED_MODULES);
