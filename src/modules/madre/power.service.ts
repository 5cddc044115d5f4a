import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { CORE_MODULES, OPTIONAL_MODULES } from '../../core/registry/module-catalog';
import { ModulePowerService } from './module-power.service';

export type PowerMode = 'solo_madre' | 'windowed' | 'full';

/**
 * Madre's power manager: brings core modules up at boot, holds the optional modules at the
 * policy baseline, and stops everything it started at shutdown.
 */
@Injectable()
export class PowerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private policy: string;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly power: ModulePowerService,
  ) {
    this.policy = config.defaultPolicy;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const name of CORE_MODULES) await this.power.activate(name, 'boot');
    await this.applyBaseline('boot');
  }

  /** Stops optional modules first (their workers finish active jobs), then the core. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(OPTIONAL_MODULES.map((name) => this.power.deactivate(name, 'shutdown')));
    for (const name of [...CORE_MODULES].reverse()) await this.power.deactivate(name, 'shutdown');
  }

  currentPolicy(): string {
    return this.policy;
  }

  policyMembers(policy: string = this.policy): string[] {
    return this.config.policies[policy] ?? [];
  }

  /** solo_madre: no optional module up; full: all up; windowed: anything in between. */
  mode(): PowerMode {
    const up = OPTIONAL_MODULES.filter((name) => this.registry.isActive(name)).length;
    if (up === 0) return 'solo_madre';
    return up === OPTIONAL_MODULES.length ? 'full' : 'windowed';
  }

  /** Brings every optional module to the current policy: members active, the rest off. */
  private async applyBaseline(reason: string): Promise<void> {
    const members = new Set(this.policyMembers());
    await Promise.all(
      OPTIONAL_MODULES.map((name) =>
        members.has(name) ? this.power.activate(name, reason) : this.power.deactivate(name, reason),
      ),
    );
  }
}
