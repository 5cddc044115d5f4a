import 'reflect-metadata'; // Nest's own decorated classes record their metadata as they load
import { Settings as LuxonSettings } from 'luxon';

/**
 * Keeps an idle VX11 from loading ICU, Node's locale data: the first Intl object a process
 * builds maps ~6.5 MB of ICU data pages of the node binary and ~1.5 MB of tables (idle RSS
 * 114 → 107 MB, bench/README.md item 25). Nothing VX11 does at idle formats for a locale, yet
 * two dependencies build a date formatter before anything is formatted:
 * - @nestjs/common builds one per logger module at load time, used only when Nest's own
 *   console logger prints (VX11 logs through pino);
 * - luxon, under BullMQ's cron schedules (cron-parser), builds one to learn the system locale
 *   the first time it makes a date, although cron arithmetic never formats.
 * The first is loaded here with a formatter built on first use; the second is given a locale.
 * Any real formatting later loads ICU as before. main.ts imports this module before anything
 * else loads @nestjs/common: importing it is what does it.
 */

/** The locale luxon uses for its own parsing; cron-parser only does date arithmetic with it. */
const CRON_LOCALE = 'en-US';

/**
 * Runs `load` while `new Intl.DateTimeFormat(...)` returns a formatter that builds the real one
 * on its first use; outside `load` Intl is untouched.
 */
export function withDeferredDateFormats<T>(load: () => T): T {
  const Real = Intl.DateTimeFormat;
  const Deferred = function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    let real: Intl.DateTimeFormat | undefined;
    const target = () => (real ??= new Real(...args));
    return new Proxy(Object.create(Real.prototype) as Intl.DateTimeFormat, {
      get(_placeholder, key) {
        const formatter = target();
        const value: unknown = Reflect.get(formatter, key, formatter);
        return typeof value === 'function' ? value.bind(formatter) : value;
      },
    });
  } as unknown as typeof Intl.DateTimeFormat;
  Object.setPrototypeOf(Deferred, Real); // supportedLocalesOf and the like, unchanged
  Intl.DateTimeFormat = Deferred;
  try {
    return load();
  } finally {
    Intl.DateTimeFormat = Real;
  }
}

/** Loads Nest's common package with deferred formatters and gives luxon its locale. */
export function deferIcu(): void {
  withDeferredDateFormats(() => require('@nestjs/common') as unknown);
  LuxonSettings.defaultLocale ??= CRON_LOCALE;
}

deferIcu();
