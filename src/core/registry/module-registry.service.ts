import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ModuleLifecycle, ModuleState } from './lifecycle';
import { MODULE_CATALOG, ModuleMeta } from './module-catalog';

export interface ModuleEntry {
  meta: ModuleMeta;
  /** Legacy port(s) from config; topology metadata only. */
  port: number | number[] | null;
  state: ModuleState;
  since: string;
  lastError: string | null;
  lifecycle?: ModuleLifecycle;
}

/**
 * The in-process module registry: metadata, current state and lifecycle handle of each module.
 * State is read by anyone but written only through madre's power service (see setState).
 */
@Injectable()
export class ModuleRegistry {
  private readonly entries = new Map<string, ModuleEntry>();

  constructor(config: AppConfig) {
    const now = new Date().toISOString();
    for (const meta of MODULE_CATALOG) {
      this.entries.set(meta.name, {
        meta,
        port: config.legacyPorts[meta.name] ?? null,
        state: 'off',
        since: now,
        lastError: null,
      });
    }
  }

  /** Called once by each module's lifecycle provider during init. */
  attach(lifecycle: ModuleLifecycle): void {
    const entry = this.require(lifecycle.name);
    if (entry.lifecycle) throw new Error(`Module ${lifecycle.name} attached twice`);
    entry.lifecycle = lifecycle;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): ModuleEntry {
    return this.require(name);
  }

  list(): ModuleEntry[] {
    return [...this.entries.values()];
  }

  state(name: string): ModuleState {
    return this.require(name).state;
  }

  isActive(name: string): boolean {
    return this.entries.get(name)?.state === 'active';
  }

  states(): Record<string, ModuleState> {
    return Object.fromEntries(this.list().map((e) => [e.meta.name, e.state]));
  }

  /** Only madre's power service calls this; it persists and announces the change. */
  setState(name: string, state: ModuleState, since: string, lastError: string | null = null): void {
    const entry = this.require(name);
    entry.state = state;
    entry.since = since;
    entry.lastError = lastError;
  }

  private require(name: string): ModuleEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`Unknown module: ${name}`);
    return entry;
  }
}
