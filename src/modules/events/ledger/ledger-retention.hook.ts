import { Injectable, OnModuleInit } from '@nestjs/common';
import { RetentionHooks } from '../../../core/database/retention-hooks';
import { LedgerRetention } from './ledger-retention.service';

/**
 * Hands the ledger's own pruning to madre's maintenance runs (through core's RetentionHooks): a plain DELETE on `events` would
 * break the hash chain, so maintenance calls LedgerRetention, which moves the anchor too.
 */
@Injectable()
export class LedgerRetentionHook implements OnModuleInit {
  constructor(
    private readonly hooks: RetentionHooks,
    private readonly retention: LedgerRetention,
  ) {}

  onModuleInit(): void {
    this.hooks.register('events', async (now) => (await this.retention.apply(now)).removed);
  }
}
