import { types } from 'node:util';
import { DEFERRED_MODULES, deferredExports, resolveDeferred } from './defer-unused-modules';

describe('defer-unused-modules', () => {
  it('finds every deferred module in this install (a renamed one would silently stay loaded)', () => {
    const missing = DEFERRED_MODULES.filter((entry) => resolveDeferred(entry) === undefined);
    expect(missing).toEqual([]);
  });

  it('says which of them export a function (a stand-in for one must be callable)', () => {
    for (const entry of DEFERRED_MODULES) {
      const real: unknown = require(resolveDeferred(entry) as string);
      expect({ ...entry, exports: typeof real }).toEqual({
        ...entry,
        exports: entry.exports ?? 'object',
      });
    }
  });

  it('a module nobody installed is skipped, not an error', () => {
    expect(resolveDeferred({ by: 'typeorm', request: 'typeorm/driver/nowhere/NoDriver' })).toBe(
      undefined,
    );
    expect(resolveDeferred({ by: 'not-a-package-here', request: 'x' })).toBe(undefined);
  });

  describe('deferredExports', () => {
    class Driver {
      constructor(readonly name: string) {}
    }
    let loads: number;
    let real: Record<string, unknown>;
    let standIn: Record<string, unknown>;
    beforeEach(() => {
      loads = 0;
      real = { Driver, version: 3 };
      Object.defineProperty(real, 'fixed', { value: 'kept', enumerable: true });
      standIn = deferredExports(() => {
        loads += 1;
        return real;
      }) as Record<string, unknown>;
    });

    it('loads nothing until first used, then once, and acts on the real exports', () => {
      expect(types.isProxy(standIn)).toBe(true);
      expect(loads).toBe(0);
      const Ctor = standIn.Driver as typeof Driver;
      expect(new Ctor('mysql')).toBeInstanceOf(Driver);
      expect(standIn.version).toBe(3);
      expect(loads).toBe(1);

      standIn.version = 4;
      expect(real.version).toBe(4);
      expect('Driver' in standIn).toBe(true);
      delete standIn.version;
      expect('version' in real).toBe(false);
      expect(loads).toBe(1);
    });

    it('lists and describes like the real exports (what a re-export with __exportStar reads)', () => {
      expect(Object.keys(standIn)).toEqual(['Driver', 'version', 'fixed']);
      expect(Object.prototype.hasOwnProperty.call(standIn, 'fixed')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(standIn, 'fixed')?.value).toBe('kept');
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(standIn)) copy[key] = standIn[key];
      expect(copy).toEqual({ Driver, version: 3, fixed: 'kept' });
      expect(Object.getPrototypeOf(standIn)).toBe(Object.prototype);
    });

    it('stands for a function: called, constructed and extended like the real one', () => {
      let loaded = 0;
      function makeDriver(this: unknown, name: string) {
        return { name, called: this === undefined ? 'plain' : 'as method' };
      }
      const fn = deferredExports(() => {
        loaded += 1;
        return makeDriver;
      }, 'function') as typeof makeDriver;
      expect(typeof fn).toBe('function');
      expect(loaded).toBe(0);
      expect(fn.call(undefined, 'a')).toEqual({ name: 'a', called: 'plain' });
      expect(loaded).toBe(1);

      const Ctor = deferredExports(() => Driver, 'function') as typeof Driver;
      expect(new Ctor('pg')).toBeInstanceOf(Driver);
      class Sub extends Ctor {}
      const sub = new Sub('x');
      expect(sub).toBeInstanceOf(Sub);
      expect(sub).toBeInstanceOf(Driver);
      expect(sub.name).toBe('x');
    });

    it('a load that throws throws at the use, and the next use tries again', () => {
      let fail = true;
      const flaky = deferredExports(() => {
        if (fail) throw new Error('cannot load');
        return { ok: true };
      }) as { ok?: boolean };
      expect(() => flaky.ok).toThrow('cannot load');
      fail = false;
      expect(flaky.ok).toBe(true);
    });
  });
});
