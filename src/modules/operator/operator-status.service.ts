import { Injectable } from '@nestjs/common';
import { OPTIONAL_MODULES } from '../../core/registry/module-catalog';
import { ModuleEntry, ModuleRegistry } from '../../core/registry/module-registry.service';
import { HealthMonitor } from '../madre/health/health-monitor.service';
import { WindowService } from '../madre/power/window.service';
import { SystemStatusService } from '../tentaculo-link/system-status.service';

/**
 * The operator's views of the live system, computed on every call from the registry and the
 * health monitor's last results; no view runs a module's health check itself.
 */
@Injectable()
export class OperatorStatusService {
  constructor(
    private readonly system: SystemStatusService,
    private readonly registry: ModuleRegistry,
    private readonly windows: WindowService,
    private readonly monitor: HealthMonitor,
  ) {}

  /** Every module with its state and, while active, the monitor's last check of it. */
  modules() {
    return {
      modules: this.registry.list().map((e) => ({
        name: e.meta.name,
        label: e.meta.label,
        role: e.meta.role,
        category: e.meta.category,
        port: e.port,
        state: e.state,
        since: e.since,
        last_error: e.lastError,
        health: e.state === 'active' ? this.lastHealth(e) : null,
      })),
    };
  }

  async status() {
    const system = await this.system.status();
    return {
      status: system.status,
      policy: system.policy,
      mode: system.mode,
      core_services: {
        madre: this.registry.state('madre'),
        redis: system.redis.status,
        tentaculo_link: this.registry.state('tentaculo_link'),
        operator: this.registry.state('operator'),
        db: system.db.status,
      },
      optional_services: Object.fromEntries(
        OPTIONAL_MODULES.map((name) => [name, this.registry.state(name)]),
      ),
      // Chat answers from switch only while switch is up and Redis carries its queue.
      degraded: system.status !== 'ok' || !system.switch_available,
      window: this.windows.view(),
      timestamp: system.timestamp,
    };
  }

  /** CONTRACT §3: `{ok, data:{operational_mode, features, dormant_services}}`. */
  async capabilities() {
    const system = await this.system.status();
    const feature = (name: string) => {
      const state = this.registry.state(name);
      return state === 'active' ? 'on' : state === 'failed' ? 'off' : 'dormant';
    };
    const features: Record<string, 'on' | 'dormant' | 'off'> = Object.fromEntries(
      this.registry.list().map((e) => [e.meta.name, feature(e.meta.name)]),
    );
    features.chat = 'on'; // the local responder always answers
    features.full_chat = system.switch_available && system.redis.status === 'up' ? 'on' : 'dormant';
    features.queues = system.redis.status === 'up' ? 'on' : 'off';
    return {
      ok: true,
      data: {
        operational_mode: system.mode,
        policy: system.policy,
        features,
        dormant_services: OPTIONAL_MODULES.filter((name) => this.registry.state(name) === 'off'),
      },
    };
  }

  /** null until the monitor has checked the module since it last changed state. */
  private lastHealth(entry: ModuleEntry) {
    const check = this.monitor.lastCheck(entry.meta.name);
    if (!check || check.checked_at < entry.since) return null;
    const { ok, detail, latency_ms, checked_at, data } = check;
    return { ok, detail, latency_ms, checked_at, ...(data ? { data } : {}) };
  }
}
