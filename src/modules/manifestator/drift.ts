import type { ModuleCategory } from '../../core/registry/module-catalog';
import { declaredRoutes, Manifest, routeKey } from './manifest';

export interface DriftRoute {
  method: string;
  path: string;
  /** The module the manifest names (missing routes) or that serves it live (extra routes). */
  module: string | null;
}

export interface LiveModule {
  name: string;
  category: ModuleCategory;
  state: string;
}

export interface ModuleDrift {
  /** Declared in the manifest, absent from the registry. */
  missing: string[];
  /** In the registry, not declared. */
  extra: string[];
  /** Declared and registered, but with another category. */
  category_mismatch: Array<{ name: string; declared: string; live: string }>;
  /** Per declared module: its routes declared and how many of them are live. */
  routes: Array<{ name: string; state: string | null; declared: number; present: number }>;
}

export interface EventDrift {
  /** Canonical types the manifest declares that the running code does not validate. */
  missing_canonical: string[];
  /** Canonical types the code validates that the manifest does not declare. */
  extra_canonical: string[];
  /** Same type, other required fields. */
  field_mismatch: Array<{ type: string; declared: string[]; live: string[] }>;
}

/** Hormiguero's fs_drift against its recorded baseline, when that module offers it. */
export type FileDrift =
  | {
      available: true;
      baseline_at: string | null;
      tracked: number;
      added: string[];
      removed: string[];
      changed: string[];
    }
  | { available: false; reason: string };

export interface DriftReport {
  checked_at: string;
  manifest: { path: string; modules: number; routes: number };
  in_sync: boolean;
  /** Count of drift items (what a patch plan would act on). */
  items: number;
  live_routes: number;
  missing_routes: DriftRoute[];
  extra_routes: DriftRoute[];
  modules: ModuleDrift;
  events: EventDrift;
  files: FileDrift;
}

export interface DriftInputs {
  manifest: Manifest;
  manifestPath: string;
  live: ReadonlyArray<{
    method: string;
    path: string;
    owned_by: string | null;
    host_module: string | null;
  }>;
  modules: readonly LiveModule[];
  /** The canonical types the events module validates, with their required fields. */
  canonical: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  files: FileDrift;
  now?: Date;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();
const byRoute = (a: DriftRoute, b: DriftRoute) =>
  a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path);

/**
 * The manifest against the live system: routes by method and path (parameter names aside),
 * modules against the registry, canonical event types against the events module, and files
 * against hormiguero's baseline when available. Pure: the caller measures, this compares.
 */
export function computeDrift(input: DriftInputs): DriftReport {
  const declared = declaredRoutes(input.manifest);
  const liveByKey = new Map(input.live.map((r) => [routeKey(r.method, r.path), r]));
  const declaredKeys = new Set(declared.map((r) => routeKey(r.method, r.path)));

  const missing_routes = declared
    .filter((r) => !liveByKey.has(routeKey(r.method, r.path)))
    .map((r) => ({ method: r.method, path: r.path, module: r.module }))
    .sort(byRoute);
  const extra_routes = input.live
    .filter((r) => !declaredKeys.has(routeKey(r.method, r.path)))
    .map((r) => ({ method: r.method, path: r.path, module: r.owned_by ?? r.host_module }))
    .sort(byRoute);

  const liveModules = new Map(input.modules.map((m) => [m.name, m]));
  const declaredModules = new Map(input.manifest.modules.map((m) => [m.name, m]));
  const modules: ModuleDrift = {
    missing: sorted([...declaredModules.keys()].filter((n) => !liveModules.has(n))),
    extra: sorted([...liveModules.keys()].filter((n) => !declaredModules.has(n))),
    category_mismatch: input.manifest.modules
      .filter((m) => liveModules.has(m.name) && liveModules.get(m.name)!.category !== m.category)
      .map((m) => ({
        name: m.name,
        declared: m.category,
        live: liveModules.get(m.name)!.category,
      })),
    routes: input.manifest.modules.map((m) => ({
      name: m.name,
      state: liveModules.get(m.name)?.state ?? null,
      declared: m.routes.length,
      present: m.routes.filter((r) => liveByKey.has(routeKey(r.method, r.path))).length,
    })),
  };

  const declaredEvents = input.manifest.events.canonical;
  const events: EventDrift = {
    missing_canonical: sorted(Object.keys(declaredEvents).filter((t) => !input.canonical[t])),
    extra_canonical: sorted(Object.keys(input.canonical).filter((t) => !declaredEvents[t])),
    field_mismatch: Object.entries(declaredEvents)
      .filter(([t]) => input.canonical[t])
      .map(([type, fields]) => ({
        type,
        declared: sorted(fields),
        live: sorted(Object.keys(input.canonical[type])),
      }))
      .filter((m) => m.declared.join() !== m.live.join()),
  };

  const files = input.files;
  const fileItems = files.available
    ? files.added.length + files.removed.length + files.changed.length
    : 0;
  const items =
    missing_routes.length +
    extra_routes.length +
    modules.missing.length +
    modules.extra.length +
    modules.category_mismatch.length +
    events.missing_canonical.length +
    events.extra_canonical.length +
    events.field_mismatch.length +
    fileItems;
  return {
    checked_at: (input.now ?? new Date()).toISOString(),
    manifest: {
      path: input.manifestPath,
      modules: input.manifest.modules.length,
      routes: declared.length,
    },
    in_sync: items === 0,
    items,
    live_routes: input.live.length,
    missing_routes,
    extra_routes,
    modules,
    events,
    files,
  };
}
