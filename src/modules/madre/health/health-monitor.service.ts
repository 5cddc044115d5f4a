import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../../core/config/app-config';
import { EventBus, Severity } from '../../../core/events/event-bus.service';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { HealthHistoryStore } from './health-history.store';
import { HealthMetrics } from './health-metrics';
import { probeModule, ProbeResult } from './health-probe';
import { HealthTracker, Verdict } from './health-tracker';
import { healthIncident } from './incident-id';
import { IncidentService } from './incident.service';
import { ModuleRestarter } from './module-restarter.service';

export type CycleTrigger = 'scheduled' | 'local' | 'manual';

export interface CycleReport {
  trigger: CycleTrigger;
  started_at: string;
  finished_at: string;
  passed: boolean;
  total: number;
  failing: number;
  results: Array<ProbeResult & { consecutive_failures: number; restart: boolean }>;
}

const DAY_MS = 24 * 3600 * 1000;
/** History pruning between maintenance runs, at most this often. */
const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * The health monitor (CONTRACT §7): one cycle checks every active module (and modules it is
 * restarting), records history, writes health_monitor.log, alerts and opens incidents on
 * failure, restarts after repeated failures and resolves after repeated successes.
 */
@Injectable()
export class HealthMonitor {
  private readonly logger = new Logger('HealthMonitor');
  private readonly tracker: HealthTracker;
  private inFlight: Promise<CycleReport> | undefined;
  private lastStart = 0;
  private lastPrune = 0;
  private last: CycleReport | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly incidents: IncidentService,
    private readonly restarter: ModuleRestarter,
    private readonly events: EventBus,
    private readonly humanLog: HumanLogService,
    private readonly metrics: HealthMetrics,
    private readonly history: HealthHistoryStore,
  ) {
    this.tracker = new HealthTracker(config.health);
  }

  /** Epoch ms the latest cycle started (0: none yet). */
  get lastStartedAt(): number {
    return this.lastStart;
  }

  get lastCycle(): CycleReport | undefined {
    return this.last;
  }

  /** The module's result in the latest cycle, if it was checked: what views show. */
  lastCheck(module: string): ProbeResult | undefined {
    return this.last?.results.find((r) => r.module === module);
  }

  /** Runs one cycle; a call while one is running joins it instead of starting another. */
  runCycle(trigger: CycleTrigger): Promise<CycleReport> {
    this.inFlight ??= this.cycle(trigger).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Resolves once no cycle is running (madre waits for it before stopping). */
  async idle(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  /** Per-module streaks and restart state, for GET /madre/health/status. */
  moduleStates() {
    return this.registry.list().map((e) => {
      const t = this.tracker.snapshot(e.meta.name);
      const last = this.last?.results.find((r) => r.module === e.meta.name);
      return {
        module: e.meta.name,
        state: e.state,
        last_check: last
          ? {
              ok: last.ok,
              detail: last.detail,
              latency_ms: last.latency_ms,
              checked_at: last.checked_at,
            }
          : null,
        consecutive_failures: t.failures,
        consecutive_successes: t.successes,
        restarts: t.restarts,
        next_restart_not_before: t.nextRestartAt ? new Date(t.nextRestartAt).toISOString() : null,
      };
    });
  }

  private async cycle(trigger: CycleTrigger): Promise<CycleReport> {
    const started = new Date();
    this.lastStart = started.getTime();
    this.log('Health check cycle started');
    const modules = this.modulesToCheck();
    const results = await Promise.all(
      modules.map((m) =>
        probeModule(m, this.registry.get(m).lifecycle, this.config.health.checkTimeoutMs),
      ),
    );
    await this.record(results);
    const failing = results.filter((r) => !r.ok);
    for (const r of results) this.log(r.ok ? `  ✓ ${r.module}` : `  ✗ ${r.module}: ${r.detail}`);
    this.log(
      failing.length === 0
        ? `Health check PASSED: All ${results.length}/${results.length} modules responding`
        : `Health check FAILED: ${failing.length}/${results.length} modules failing`,
    );
    const verdicts: Verdict[] = [];
    for (const r of results) verdicts.push(await this.react(r));
    await this.pruneHistory(started);
    this.last = {
      trigger,
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
      passed: failing.length === 0,
      total: results.length,
      failing: failing.length,
      results: results.map((r, i) => ({
        ...r,
        consecutive_failures: verdicts[i].consecutiveFailures,
        restart: verdicts[i].restart,
      })),
    };
    return this.last;
  }

  /** Active modules, plus failed ones the monitor is trying to bring back. */
  private modulesToCheck(): string[] {
    const names: string[] = [];
    for (const e of this.registry.list()) {
      const name = e.meta.name;
      if (e.state === 'active' || (e.state === 'failed' && this.tracker.unhealthy(name))) {
        names.push(name);
      } else if (e.state === 'off') {
        this.tracker.forget(name); // switched off on purpose: its streaks start over next time
        this.metrics.forget(name);
      }
    }
    return names;
  }

  private async record(results: ProbeResult[]): Promise<void> {
    for (const r of results) this.metrics.record(r);
    if (results.length === 0) return;
    try {
      await this.history.append(
        results.map((r) => ({
          module: r.module,
          ok: r.ok,
          latency_ms: r.latency_ms,
          detail: r.detail,
          checked_at: r.checked_at,
        })),
      );
    } catch (err) {
      this.logger.warn(`health history not written: ${(err as Error).message}`);
    }
  }

  private async react(r: ProbeResult): Promise<Verdict> {
    const verdict = this.tracker.record(r.module, r.ok, !r.dependency, Date.now());
    const incident = healthIncident(r.module);
    if (r.ok) {
      if (verdict.resolve) {
        await this.incidents.resolveIfOpen(
          incident.id,
          `healthy for ${verdict.consecutiveSuccesses} consecutive checks`,
        );
      }
      return verdict;
    }
    const severity: Severity =
      this.registry.get(r.module).meta.category === 'core' ? 'critical' : 'error';
    const { incident: row } = await this.incidents.raise({
      kind: incident.kind,
      title: incident.title,
      source: r.module,
      severity,
      detail: r.detail,
    });
    const failures = verdict.consecutiveFailures;
    const message = `${r.module} health check failed: ${r.detail}`;
    this.humanLog.write(
      'alerts',
      'ALERT',
      `${message} (incident ${row.id}, ${failures} consecutive, severity ${severity})`,
    );
    this.events.emit(
      'system.alert',
      'madre',
      { alert_id: randomUUID(), severity, message, module: r.module, incident_id: row.id },
      severity,
    );
    this.events.emit(
      'health.check.failed',
      'madre',
      {
        module: r.module,
        detail: r.detail,
        latency_ms: r.latency_ms,
        consecutive_failures: failures,
        incident_id: row.id,
        ...(r.dependency ? { dependency: r.dependency } : {}),
      },
      'warning',
    );
    if (verdict.restart) {
      void this.restarter.restart(
        r.module,
        `${failures} consecutive failed health checks (${r.detail})`,
        verdict.restarts,
        verdict.nextRestartAt,
      );
    } else if (
      r.dependency &&
      verdict.consecutiveFailures === this.config.health.failuresBeforeRestart
    ) {
      this.humanLog.write(
        'architect',
        'SERVICE RESTART SKIPPED',
        `${r.module}: ${r.dependency} is failing (${r.detail}); a restart cannot fix a dependency`,
      );
    }
    return verdict;
  }

  private async pruneHistory(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    const cutoff = new Date(now.getTime() - this.config.retentionDays.health_history * DAY_MS);
    try {
      await this.history.pruneBefore(cutoff.toISOString());
    } catch (err) {
      this.logger.warn(`health history not pruned: ${(err as Error).message}`);
    }
  }

  private log(message: string): void {
    this.humanLog.write('health_monitor', 'HEALTH', message);
  }
}
