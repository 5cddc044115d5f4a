import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ModuleLifecycle, ModuleState } from './lifecycle';
import { MODULE_CATALOG, ModuleMeta } from './module-catalog';

export interface ModuleEntry {
  readonly meta: ModuleMeta;
  /** Legacy port(s) from config; topology metadata only. */
  readonly port: number | number[] | null;
  readonly state: ModuleState;
  readonly since: string;
  readonly lastError: string | null;
  readonly lifecycle?: ModuleLifecycle;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The one way to change a module's state; held by madre's power service alone. */
export interface ModuleStateWriter {
  set(name: string, state: ModuleState, since: string, lastError?: string | null): void;
}

/**
 * The in-process module registry: metadata, current state and lifecycle handle of each module.
 * Anyone reads state; only the holder of the state writer changes it, and there is one
 * writer: the first claimStateWriter() gets it (madre's power service), a second claim throws.
 */
@Injectable()
export class ModuleRegistry {
  private readonly entries = new Map<string, Mutable<ModuleEntry>>();
  private writerClaimed = false;

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

  /** Hands out the module state writer, once; madre's power service claims it at construction. */
  claimStateWriter(): ModuleStateWriter {
    if (this.writerClaimed) throw new Error('the module state writer was already claimed');
    this.writerClaimed = true;
    return {
      set: (name, state, since, lastError = null) => {
        const entry = this.require(name);
        entry.state = state;
        entry.since = since;
        entry.lastError = lastError;
      },
    };
  }

  private require(name: string): Mutable<ModuleEntry> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`Unknown module: ${name}`);
    return entry;
  }
}
