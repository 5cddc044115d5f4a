import { Injectable } from '@nestjs/common';
import { LedgerLock } from './ledger-lock';
import { ChainWalker, VerifyReport } from './ledger-row';
import { LedgerStore } from './ledger-store';

const CHUNK = 2000;

/**
 * Walks the ledger from its start (genesis or the retention anchor) to the head as it was when
 * the walk began, in chunks, yielding to the event loop between them so a long ledger never
 * stalls requests.
 */
@Injectable()
export class LedgerVerifier {
  constructor(
    private readonly store: LedgerStore,
    private readonly lock: LedgerLock,
  ) {}

  verify(): Promise<VerifyReport> {
    return this.lock.run(async () => {
      const upTo = this.store.maxId();
      const walker = new ChainWalker(this.store.anchor());
      let after = 0;
      for (;;) {
        const rows = this.store.rowsAfter(after, upTo, CHUNK);
        for (const row of rows) walker.add(row);
        if (rows.length < CHUNK) break;
        after = rows[rows.length - 1].id;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return walker.report();
    });
  }
}
