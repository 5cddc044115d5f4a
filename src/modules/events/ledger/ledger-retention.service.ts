import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../core/config/app-config';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { LedgerLock } from './ledger-lock';
import { ChainStart } from './ledger-row';
import { LedgerStore } from './ledger-store';

const CHUNK = 5000;
const DAY_MS = 24 * 3600 * 1000;

export interface RetentionReport {
  removed: number;
  /** Rows recorded before this were eligible. */
  cutoff: string;
  /** Where the kept chain starts now (null if nothing was ever pruned). */
  anchor: ChainStart | null;
}

/**
 * Ledger retention (retentionDays.events): removes the oldest rows, as a prefix of the chain
 * only, and moves the anchor to the last removed row in the same transaction, so the kept
 * chain still verifies. Deletes in chunks so a large cleanup never blocks for long.
 */
@Injectable()
export class LedgerRetention {
  constructor(
    private readonly store: LedgerStore,
    private readonly lock: LedgerLock,
    private readonly config: AppConfig,
    private readonly humanLog: HumanLogService,
  ) {}

  /** Called by maintenance runs; `now` is a parameter so tests can move time. */
  apply(now: Date = new Date()): Promise<RetentionReport> {
    return this.lock.run(async () => {
      const cutoff = new Date(now.getTime() - this.config.retentionDays.events * DAY_MS);
      const cutoffIso = cutoff.toISOString();
      // A prefix: everything before the first row recorded since the cutoff (or, if every row
      // is older, everything up to the current head; later appends are kept).
      const keepFrom = this.store.firstIdRecordedSince(cutoffIso);
      const lastToRemove = keepFrom === null ? this.store.maxId() : keepFrom - 1;
      let removed = 0;
      for (;;) {
        if (this.store.busy) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const end = this.store.lastOfOldest(lastToRemove + 1, CHUNK);
        if (!end) break;
        removed += this.store.transaction(() => {
          const n = this.store.deleteUpTo(end.afterId);
          this.store.moveAnchor(end, n, now.toISOString());
          return n;
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
      const anchor = this.store.anchor();
      if (removed > 0 && anchor) {
        this.humanLog.write(
          'architect',
          'LEDGER RETENTION',
          `removed ${removed} event(s) recorded before ${cutoffIso}; chain anchored after id ${anchor.afterId} (hash ${anchor.hash})`,
        );
      }
      return { removed, cutoff: cutoffIso, anchor };
    });
  }
}
