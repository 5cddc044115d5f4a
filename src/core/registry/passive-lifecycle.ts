import { Injectable, OnModuleInit, Provider } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { tablesOwnedBy } from '../database/table-owners';
import { HealthReport, ModuleLifecycle } from './lifecycle';
import { ModuleRegistry } from './module-registry.service';

/** Runs a query against the database; rejects when it cannot answer. */
export type DbQuery = (sql: string) => Promise<unknown>;

/**
 * The lifecycle of a module that owns no background resource (no worker, timer or
 * connection): activation only changes its state. What it depends on is the database, so its
 * health is whether each table it owns can be read (or, owning none, whether the DB answers).
 */
export class PassiveLifecycle implements ModuleLifecycle {
  private readonly tables: string[];

  constructor(
    readonly name: string,
    private readonly registry: ModuleRegistry,
    private readonly query: DbQuery,
  ) {
    this.tables = tablesOwnedBy(name);
  }

  async activate(): Promise<void> {}

  async deactivate(): Promise<void> {}

  async health(): Promise<HealthReport> {
    const state = this.registry.state(this.name);
    if (state !== 'active') return { ok: false, detail: `module is ${state}` };
    const probes =
      this.tables.length > 0
        ? this.tables.map((t) => `SELECT 1 FROM "${t}" LIMIT 1`)
        : ['SELECT 1'];
    try {
      for (const sql of probes) await this.query(sql);
    } catch (err) {
      return { ok: false, detail: `database: ${(err as Error).message}`, dependency: 'database' };
    }
    return {
      ok: true,
      detail:
        this.tables.length > 0
          ? `tables readable: ${this.tables.join(', ')}`
          : 'database reachable',
    };
  }
}

/** Registers a PassiveLifecycle for `name` with the module registry at init. */
export function passiveLifecycle(name: string): Provider {
  @Injectable()
  class Attach implements OnModuleInit {
    constructor(
      private readonly registry: ModuleRegistry,
      @InjectDataSource() private readonly db: DataSource,
    ) {}
    onModuleInit(): void {
      this.registry.attach(new PassiveLifecycle(name, this.registry, (sql) => this.db.query(sql)));
    }
  }
  Object.defineProperty(Attach, 'name', { value: `${name}Lifecycle` });
  return Attach;
}
