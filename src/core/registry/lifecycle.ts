/** CONTRACT §1 module states. */
export const MODULE_STATES = ['off', 'starting', 'active', 'stopping', 'failed'] as const;
export type ModuleState = (typeof MODULE_STATES)[number];

export interface HealthReport {
  ok: boolean;
  detail: string;
  /** Free-form figures a check measured (latency, queue depth, ...). */
  data?: Record<string, unknown>;
  /**
   * Set when the failure lies in something outside the module (redis, database, providers):
   * the health monitor still alerts, but does not restart the module, which cannot fix it.
   */
  dependency?: string;
}

/**
 * The lifecycle contract every VX11 module implements. `activate()` starts what the module owns
 * (queue workers, timers, connections); `deactivate()` stops them and frees them. Only madre's
 * power service calls these.
 */
export interface ModuleLifecycle {
  readonly name: string;
  /**
   * The longest activate() or deactivate() may take (they run under madre's power lock); past
   * it the module is marked failed and the lock released. Unset: madre's default (15 s).
   */
  readonly stepTimeoutMs?: number;
  activate(): Promise<void>;
  deactivate(): Promise<void>;
  health(): Promise<HealthReport>;
}
