import { Logger } from '@nestjs/common';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { VerifyReport } from './ledger-row';
import { LEDGER_VERIFY_EVERY_MS, LedgerVerifyMetrics } from './ledger-verify-metrics';
import { LedgerVerifier } from './ledger-verifier.service';

const GOOD: VerifyReport = { ok: true, length: 3, head_hash: 'abc', first_bad_id: null };
const BROKEN: VerifyReport = { ok: false, length: 3, head_hash: 'abc', first_bad_id: 2 };

function rig(verify: () => Promise<VerifyReport>) {
  const metrics = new MetricsService();
  const verifier = { verify: jest.fn(verify) };
  const collector = new LedgerVerifyMetrics(verifier as unknown as LedgerVerifier, metrics);
  const lines = async () =>
    (await metrics.render()).split('\n').filter((l) => l.startsWith('vx11_ledger_verify_'));
  return { collector, verifier, lines };
}

describe('LedgerVerifyMetrics', () => {
  // a broken chain is logged as an error on purpose; the assertions read the gauges
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('walks the chain on the first scrape and reports it verified', async () => {
    const { verifier, lines } = rig(async () => GOOD);
    const out = await lines();
    expect(out).toContain('vx11_ledger_verify_ok{chain="events"} 1');
    expect(out.some((l) => /^vx11_ledger_verify_age_seconds\{chain="events"\} \d/.test(l))).toBe(
      true,
    );
    expect(verifier.verify).toHaveBeenCalledTimes(1);
  });

  it('reuses a fresh verdict, and walks again once it is older than the interval', async () => {
    const { collector, verifier, lines } = rig(async () => GOOD);
    await lines();
    await lines();
    expect(verifier.verify).toHaveBeenCalledTimes(1);
    await collector.refresh(Date.now() + LEDGER_VERIFY_EVERY_MS);
    expect(verifier.verify).toHaveBeenCalledTimes(2);
  });

  it('reports 0 for a broken chain and for a walk that fails', async () => {
    expect(await rig(async () => BROKEN).lines()).toContain(
      'vx11_ledger_verify_ok{chain="events"} 0',
    );
    const failing = rig(async () => Promise.reject(new Error('database is locked')));
    expect(await failing.lines()).toContain('vx11_ledger_verify_ok{chain="events"} 0');
  });

  it('does not hold a scrape for a long walk: no verdict yet, then the verdict', async () => {
    let finish: (r: VerifyReport) => void = () => undefined;
    const { verifier, lines } = rig(() => new Promise((resolve) => (finish = resolve)));
    expect(await lines()).toEqual([]); // the bounded wait passed; nothing to report yet
    finish(BROKEN);
    expect(await lines()).toContain('vx11_ledger_verify_ok{chain="events"} 0');
    expect(verifier.verify).toHaveBeenCalledTimes(1);
  });
});
