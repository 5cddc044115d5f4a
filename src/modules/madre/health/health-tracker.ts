/** The monitor's rules (config `health`). */
export interface HealthRules {
  failuresBeforeRestart: number;
  successesToResolve: number;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
}

export interface Verdict {
  /** Restart the module now (deactivate + activate). */
  restart: boolean;
  /** The good streak just reached the resolve threshold: resolve the module's incident. */
  resolve: boolean;
  /** The bad streak including this check (a restart starts a new one). */
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Restarts since the module was last healthy. */
  restarts: number;
  /** Epoch ms before which no further restart happens (0: none pending). */
  nextRestartAt: number;
}

export interface ModuleTrack {
  failures: number;
  successes: number;
  restarts: number;
  nextRestartAt: number;
  /** Failed since it was last resolved. */
  unhealthy: boolean;
}

/**
 * Per-module streaks of good and bad checks, and when a restart is due: after N consecutive
 * failures, the first restart at once, each next one only after a backoff that doubles from
 * the base up to the max. A failure caused by a dependency never triggers a restart.
 */
export class HealthTracker {
  private readonly tracks = new Map<string, ModuleTrack>();

  constructor(private readonly rules: HealthRules) {}

  record(module: string, ok: boolean, restartable: boolean, now: number): Verdict {
    const t = this.track(module);
    let restart = false;
    let resolve = false;
    let streak = 0;
    if (ok) {
      t.successes += 1;
      t.failures = 0;
      if (t.successes === this.rules.successesToResolve) {
        resolve = true;
        t.unhealthy = false;
        t.restarts = 0;
        t.nextRestartAt = 0;
      }
    } else {
      t.failures += 1;
      streak = t.failures;
      t.successes = 0;
      t.unhealthy = true;
      if (restartable && t.failures >= this.rules.failuresBeforeRestart && now >= t.nextRestartAt) {
        restart = true;
        t.restarts += 1;
        t.failures = 0;
        t.nextRestartAt = now + this.backoffMs(t.restarts);
      }
    }
    return {
      restart,
      resolve,
      consecutiveFailures: streak,
      consecutiveSuccesses: t.successes,
      restarts: t.restarts,
      nextRestartAt: t.nextRestartAt,
    };
  }

  /** Wait after the n-th restart: base, 2×base, 4×base … capped at the max. */
  backoffMs(restarts: number): number {
    const { restartBackoffMs: base, restartBackoffMaxMs: max } = this.rules;
    return Math.min(base * 2 ** Math.max(0, restarts - 1), max);
  }

  /** True while the module has failed since it was last resolved. */
  unhealthy(module: string): boolean {
    return this.tracks.get(module)?.unhealthy ?? false;
  }

  forget(module: string): void {
    this.tracks.delete(module);
  }

  snapshot(module: string): Readonly<ModuleTrack> {
    return { ...this.track(module) };
  }

  private track(module: string): ModuleTrack {
    let t = this.tracks.get(module);
    if (!t) {
      t = { failures: 0, successes: 0, restarts: 0, nextRestartAt: 0, unhealthy: false };
      this.tracks.set(module, t);
    }
    return t;
  }
}
