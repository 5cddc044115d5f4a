import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { describeError } from '../../../core/util/guarded';
import { VerifyReport } from './ledger-row';
import { LedgerVerifier } from './ledger-verifier.service';

/** A scrape starts a new walk of the chain when the last one is older than this. */
export const LEDGER_VERIFY_EVERY_MS = 10 * 60_000;
/** How long a scrape waits for a walk it started; a longer one reports on a later scrape. */
export const LEDGER_VERIFY_WAIT_MS = 1000;

/**
 * The ledger's verification as Prometheus sees it: `vx11_ledger_verify_ok{chain="events"}` (1 the
 * chain verified, 0 it is broken) and the age of that verdict. A scrape re-walks the chain when the verdict is
 * older than LEDGER_VERIFY_EVERY_MS (in the background: the walk yields between chunks), waits
 * at most LEDGER_VERIFY_WAIT_MS for it, and otherwise reports the previous verdict. Both gauges
 * stay absent until the first walk finishes; a walk that errors counts as not verified.
 */
@Injectable()
export class LedgerVerifyMetrics {
  private readonly logger = new Logger('LedgerVerifyMetrics');
  private last: { ok: boolean; at: number; report?: VerifyReport } | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly verifier: LedgerVerifier,
    metrics: MetricsService,
  ) {
    const registers = [metrics.registry];
    const refresh = () => this.refresh();
    const verdict = () => this.last;
    // Labelled so that no series exists before the first verdict (prom-client gives a gauge
    // without labels a 0 from the start, which would read as "broken").
    new Gauge({
      name: 'vx11_ledger_verify_ok',
      help: 'Last walk of the forensic ledger chain: 1 verified, 0 broken or not walkable',
      labelNames: ['chain'],
      registers,
      async collect() {
        await refresh();
        const last = verdict();
        if (last) this.set({ chain: 'events' }, last.ok ? 1 : 0);
      },
    });
    new Gauge({
      name: 'vx11_ledger_verify_age_seconds',
      help: 'Age of the last ledger verification verdict',
      labelNames: ['chain'],
      registers,
      async collect() {
        await refresh(); // joins the walk the other gauge started, same bound
        const last = verdict();
        if (last) this.set({ chain: 'events' }, (Date.now() - last.at) / 1000);
      },
    });
  }

  /** The latest verdict (what the gauges report), if a walk has finished. */
  lastVerdict() {
    return this.last;
  }

  /** Starts a walk when the verdict is stale and waits a bounded time for it. Never rejects. */
  async refresh(now = Date.now()): Promise<void> {
    if (!this.running && (!this.last || now - this.last.at >= LEDGER_VERIFY_EVERY_MS)) {
      this.running = this.walk().finally(() => (this.running = undefined));
    }
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LEDGER_VERIFY_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  private async walk(): Promise<void> {
    try {
      const report = await this.verifier.verify();
      this.last = { ok: report.ok, at: Date.now(), report };
      if (!report.ok) {
        this.logger.error(`ledger verification failed at event id ${report.first_bad_id}`);
      }
    } catch (err) {
      this.last = { ok: false, at: Date.now() };
      this.logger.warn(`ledger verification could not run: ${describeError(err)}`);
    }
  }
}
