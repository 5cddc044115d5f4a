import { Injectable, OnModuleInit, Provider } from '@nestjs/common';
import { HealthReport, ModuleLifecycle } from './lifecycle';
import { ModuleRegistry } from './module-registry.service';

/**
 * The lifecycle of a module that owns no background resource yet (no worker, timer or
 * connection): activation only changes its state, and it is healthy exactly while active.
 */
export class PassiveLifecycle implements ModuleLifecycle {
  constructor(
    readonly name: string,
    private readonly registry: ModuleRegistry,
  ) {}

  async activate(): Promise<void> {}

  async deactivate(): Promise<void> {}

  async health(): Promise<HealthReport> {
    const state = this.registry.state(this.name);
    return { ok: state === 'active', detail: state === 'active' ? 'ok' : `module is ${state}` };
  }
}

/** Registers a PassiveLifecycle for `name` with the module registry at init. */
export function passiveLifecycle(name: string): Provider {
  @Injectable()
  class Attach implements OnModuleInit {
    constructor(private readonly registry: ModuleRegistry) {}
    onModuleInit(): void {
      this.registry.attach(new PassiveLifecycle(name, this.registry));
    }
  }
  Object.defineProperty(Attach, 'name', { value: `${name}Lifecycle` });
  return Attach;
}
