/** A rail's verdict: `ok`, `failed` (with the reason) or `skipped` (with the reason). */
export type GateStatus = 'ok' | 'failed' | 'skipped';

export interface GateResult {
  status: GateStatus;
  /** Why it failed or was skipped; absent when ok. */
  reason?: string;
  /** What was measured, so a reader can check the verdict (never a secret). */
  evidence: Record<string, unknown>;
}

export interface GateReport extends GateResult {
  name: string;
  description: string;
  duration_ms: number;
}

export const ok = (evidence: Record<string, unknown>): GateResult => ({ status: 'ok', evidence });
export const failed = (reason: string, evidence: Record<string, unknown>): GateResult => ({
  status: 'failed',
  reason,
  evidence,
});
export const skipped = (reason: string, evidence: Record<string, unknown> = {}): GateResult => ({
  status: 'skipped',
  reason,
  evidence,
});

/** Names a few items and counts the rest, to keep reasons short. */
export function listSome(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
