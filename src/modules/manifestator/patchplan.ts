import type { DriftReport } from './drift';

export type PatchKind = 'route' | 'module' | 'event_type' | 'file';
export type PatchAction = 'add' | 'remove' | 'update';
export type PatchRisk = 'low' | 'mid' | 'high';

export interface PatchItem {
  action: PatchAction;
  kind: PatchKind;
  /** What the action is about: `GET /path`, a module or event type name, a file path. */
  target: string;
  module: string | null;
  /** What to do, in words. */
  detail: string;
  estimated_time_sec: number;
}

export interface PatchPlan {
  executable: false;
  generated_at: string;
  drift_checked_at: string;
  risk: PatchRisk;
  risk_rule: string;
  items: PatchItem[];
  estimated_time_sec: number;
}

/**
 * Rough effort per action, in seconds, for the plan's estimate: writing a handler with its DTOs
 * and a test, wiring a module, restoring a file from the baseline's source, and so on.
 */
export const EFFORT_SEC: Record<PatchKind, Record<PatchAction, number>> = {
  route: { add: 900, remove: 300, update: 600 },
  module: { add: 3600, remove: 900, update: 1800 },
  event_type: { add: 300, remove: 180, update: 240 },
  file: { add: 120, remove: 60, update: 120 },
};

export const RISK_RULE = 'by item count: < 3 low, < 10 mid, else high';

export function riskFor(count: number): PatchRisk {
  return count < 3 ? 'low' : count < 10 ? 'mid' : 'high';
}

function item(
  action: PatchAction,
  kind: PatchKind,
  target: string,
  module: string | null,
  detail: string,
): PatchItem {
  return { action, kind, target, module, detail, estimated_time_sec: EFFORT_SEC[kind][action] };
}

/**
 * A plan that would bring the live system back to the manifest: one action per drift item.
 * Planning only — nothing here executes, and the plan says so (`executable: false`).
 */
export function planPatch(drift: DriftReport, now: Date = new Date()): PatchPlan {
  const items: PatchItem[] = [];
  for (const r of drift.missing_routes) {
    items.push(
      item(
        'add',
        'route',
        `${r.method} ${r.path}`,
        r.module,
        `implement the declared route in ${r.module}`,
      ),
    );
  }
  for (const r of drift.extra_routes) {
    items.push(
      item(
        'remove',
        'route',
        `${r.method} ${r.path}`,
        r.module,
        'remove the undeclared route, or declare it in the manifest',
      ),
    );
  }
  for (const name of drift.modules.missing) {
    items.push(item('add', 'module', name, name, 'register the declared module'));
  }
  for (const name of drift.modules.extra) {
    items.push(
      item('remove', 'module', name, name, 'unregister the module, or declare it in the manifest'),
    );
  }
  for (const m of drift.modules.category_mismatch) {
    items.push(item('update', 'module', m.name, m.name, `make it ${m.declared} (live: ${m.live})`));
  }
  for (const t of drift.events.missing_canonical) {
    items.push(item('add', 'event_type', t, null, 'validate the declared canonical type'));
  }
  for (const t of drift.events.extra_canonical) {
    items.push(
      item('remove', 'event_type', t, null, 'stop validating it as canonical, or declare it'),
    );
  }
  for (const m of drift.events.field_mismatch) {
    items.push(
      item(
        'update',
        'event_type',
        m.type,
        null,
        `require ${m.declared.join(', ')} (live: ${m.live.join(', ')})`,
      ),
    );
  }
  if (drift.files.available) {
    for (const f of drift.files.added)
      items.push(item('remove', 'file', f, null, 'remove it, or record a new baseline'));
    for (const f of drift.files.removed)
      items.push(item('add', 'file', f, null, 'restore it, or record a new baseline'));
    for (const f of drift.files.changed)
      items.push(
        item('update', 'file', f, null, 'restore its baseline content, or record a new baseline'),
      );
  }
  return {
    executable: false,
    generated_at: now.toISOString(),
    drift_checked_at: drift.checked_at,
    risk: riskFor(items.length),
    risk_rule: RISK_RULE,
    items,
    estimated_time_sec: items.reduce((s, i) => s + i.estimated_time_sec, 0),
  };
}
