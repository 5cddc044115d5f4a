import { Injectable } from '@nestjs/common';
import { RetentionHook } from './retention';

/**
 * Tables whose owner prunes them itself during a maintenance run (the event ledger must move
 * its anchor with the rows it removes). The owning module registers at init:
 * `hooks.register('events', (now) => ledgerRetention.apply(now).then((r) => r.removed))`.
 */
@Injectable()
export class RetentionHooks {
  private readonly hooks = new Map<string, RetentionHook>();

  register(table: string, hook: RetentionHook): void {
    if (this.hooks.has(table))
      throw new Error(`A retention hook for ${table} is already registered`);
    this.hooks.set(table, hook);
  }

  all(): ReadonlyMap<string, RetentionHook> {
    return this.hooks;
  }
}
