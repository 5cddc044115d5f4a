import { Injectable } from '@nestjs/common';

/** A module's own pruning for a table whose rows need more than a DELETE (the event ledger). */
export type RetentionHook = (now: Date) => Promise<number>;

/**
 * Tables whose owner prunes them itself during a maintenance run (the event ledger must move
 * its anchor with the rows it removes). The owning module registers at init:
 * `hooks.register('events', (now) => ledgerRetention.apply(now).then((r) => r.removed))`.
 * It lives in core so an owner need not import the maintenance module that runs the hooks.
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
