import type { ModuleLifecycle } from '../../../core/registry/lifecycle';
import { withTimeout } from '../../../core/util/with-timeout';

export interface ProbeResult {
  module: string;
  ok: boolean;
  latency_ms: number;
  detail: string;
  dependency?: string;
  /** The figures the module's check measured (HealthReport.data). */
  data?: Record<string, unknown>;
  checked_at: string;
}

/** Asks one module for its health, bounded: a check that hangs counts as a failure. */
export async function probeModule(
  module: string,
  lifecycle: ModuleLifecycle | undefined,
  timeoutMs: number,
): Promise<ProbeResult> {
  const checkedAt = new Date().toISOString();
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    if (!lifecycle) throw new Error('no lifecycle attached');
    const report = await withTimeout(lifecycle.health(), timeoutMs, 'health check');
    return {
      module,
      ok: report.ok,
      latency_ms: latency(),
      detail: report.detail,
      ...(report.dependency && !report.ok ? { dependency: report.dependency } : {}),
      ...(report.data ? { data: report.data } : {}),
      checked_at: checkedAt,
    };
  } catch (err) {
    return {
      module,
      ok: false,
      latency_ms: latency(),
      detail: (err as Error).message,
      checked_at: checkedAt,
    };
  }
}
