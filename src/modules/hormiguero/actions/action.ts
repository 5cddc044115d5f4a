import { ApiError } from '../../../core/errors/api-error';
import { HormigueroErrors } from '../hormiguero-errors';

/** The actions hormiguero may take, each only after a preview and its approval. */
export const ACTION_ALLOWLIST = [
  'rotate_logs',
  'prune_backup_archive',
  'prune_health_history',
  'wal_checkpoint',
] as const;
export type ActionName = (typeof ACTION_ALLOWLIST)[number];

/** Exactly what an action would change: files, bytes, rows. */
export interface ActionPlan {
  summary: string;
  files: Array<{ file: string; bytes: number; change: string }>;
  bytes: number;
  rows: number;
  /** What apply needs to do exactly what was previewed (e.g. a frozen cutoff). */
  detail: Record<string, unknown>;
}

/** One allowlisted action: preview() says what would change; apply() does it. */
export interface HormigueroAction {
  readonly name: ActionName;
  preview(params: Record<string, unknown>): Promise<ActionPlan>;
  apply(plan: ActionPlan): Promise<Record<string, unknown>>;
}

/** 400 naming the params the action does not take. */
export function onlyParams(action: string, params: Record<string, unknown>, allowed: string[]) {
  const unknown = Object.keys(params).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new ApiError(
      HormigueroErrors.invalid_params,
      `${action} takes ${allowed.length ? allowed.join(', ') : 'no params'}; not ${unknown.join(', ')}`,
    );
  }
}

/** An optional integer param within bounds (400 otherwise). */
export function intParam(
  action: string,
  params: Record<string, unknown>,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = params[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ApiError(
      HormigueroErrors.invalid_params,
      `${action}: ${key} must be an integer from ${min} to ${max}`,
    );
  }
  return v;
}
