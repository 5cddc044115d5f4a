import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { CORE_MODULES, OPTIONAL_MODULES } from '../../../core/registry/module-catalog';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { ModulePowerService } from './module-power.service';
import { PolicyStore } from './policy-store';
import { PowerLock } from './power-lock';
import { WindowService } from './window.service';

export type PowerMode = 'solo_madre' | 'windowed' | 'full';

/**
 * Madre's power manager: boot and shutdown of every module, the applied policy, and the views
 * of power state. Windows live in WindowService; both decide under the same PowerLock.
 */

/** Windows listed with the power state. */
const RECENT_WINDOWS = 10;

@Injectable()
export class PowerService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly registry: ModuleRegistry,
    private readonly power: ModulePowerService,
    private readonly policies: PolicyStore,
    private readonly windows: WindowService,
    private readonly lock: PowerLock,
    private readonly humanLog: HumanLogService,
  ) {}

  /** Core up, then the persisted window (restored or closed), then the policy baseline. */
  async onApplicationBootstrap(): Promise<void> {
    await this.lock.run(async () => {
      const policy = await this.policies.load();
      for (const name of CORE_MODULES) await this.power.activate(name, 'boot');
      await this.windows.recover();
      await this.reconcile('boot');
      this.humanLog.write(
        'architect',
        'POWER BOOT',
        `policy=${policy} window=${this.windows.current()?.id ?? 'none'}`,
      );
    });
  }

  /** Stops optional modules first (their workers finish active jobs), then the core. */
  async onApplicationShutdown(): Promise<void> {
    await this.lock.run(async () => {
      this.windows.suspend();
      await Promise.all(OPTIONAL_MODULES.map((name) => this.power.deactivate(name, 'shutdown')));
      for (const name of [...CORE_MODULES].reverse()) await this.power.deactivate(name, 'shutdown');
    });
  }

  currentPolicy(): string {
    return this.policies.policy;
  }

  /** solo_madre: no optional module up; full: all up; windowed: a window or a partial policy. */
  mode(): PowerMode {
    const up = this.runningOptional().length;
    if (up === OPTIONAL_MODULES.length) return 'full';
    if (up === 0 && !this.windows.current()) return 'solo_madre';
    return 'windowed';
  }

  runningOptional(): string[] {
    return OPTIONAL_MODULES.filter((name) => this.registry.isActive(name));
  }

  async applyPolicy(name: string) {
    this.policies.members(name); // 404 for an unknown policy, before taking the lock
    return this.lock.run(async () => {
      const previous = this.policies.policy;
      const closedWindow = await this.windows.closeForPolicy();
      await this.policies.set(name);
      const { started, stopped } = await this.reconcile(`policy ${name}`);
      this.humanLog.write(
        'architect',
        'POLICY APPLIED',
        `${previous} -> ${name}; started=${started.join(',') || 'none'} stopped=${stopped.join(',') || 'none'}`,
      );
      return {
        previous_policy: previous,
        window_closed: closedWindow,
        services_started: started,
        services_stopped: stopped,
        ...this.policyStatus(name),
      };
    });
  }

  /** Truthful: active only if it is the applied policy and exactly its modules are running. */
  policyStatus(name: string) {
    const expected = this.policies.members(name);
    const running = this.runningOptional();
    const sameSet =
      expected.length === running.length && expected.every((s) => running.includes(s));
    return {
      policy: name,
      policy_active: this.policies.policy === name && sameSet,
      applied: this.policies.policy === name,
      running_services: running,
      expected_services: expected,
    };
  }

  state() {
    const window = this.windows.view();
    return {
      policy: this.policies.policy,
      mode: this.mode(),
      window_id: window?.window_id ?? null,
      created_at: window?.created_at ?? null,
      deadline: window?.deadline ?? null,
      ttl_remaining_sec: window?.ttl_remaining_sec ?? null,
      window_services: window?.services ?? [],
      active_services: this.registry
        .list()
        .filter((e) => e.state === 'active')
        .map((e) => e.meta.name),
    };
  }

  /** The state with the most recent windows (the power history an operator reads). */
  async stateWithHistory(limit = RECENT_WINDOWS) {
    return { ...this.state(), recent_windows: await this.windows.recent(limit) };
  }

  status() {
    const window = this.windows.view();
    const inWindow = new Set(window?.services ?? []);
    const failed = this.registry.list().some((e) => e.state === 'failed');
    return {
      status: failed ? 'degraded' : 'ok',
      policy: this.policies.policy,
      mode: this.mode(),
      modules: this.registry.list().map((e) => ({
        name: e.meta.name,
        state: e.state,
        since: e.since,
        category: e.meta.category,
        in_window: inWindow.has(e.meta.name),
        ...(e.lastError ? { last_error: e.lastError } : {}),
      })),
      window,
    };
  }

  /** Optional modules to the policy baseline plus the open window's modules. */
  private async reconcile(reason: string): Promise<{ started: string[]; stopped: string[] }> {
    const wanted = new Set([
      ...this.policies.members(),
      ...(this.windows.current()?.services ?? []),
    ]);
    const before = new Set(this.runningOptional());
    await Promise.all(
      OPTIONAL_MODULES.map((name) =>
        wanted.has(name) ? this.power.activate(name, reason) : this.power.deactivate(name, reason),
      ),
    );
    const after = new Set(this.runningOptional());
    return {
      started: [...after].filter((s) => !before.has(s)),
      stopped: [...before].filter((s) => !after.has(s)),
    };
  }
}
