import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { EventBus } from '../../core/events/event-bus.service';
import { MetricsService } from '../../core/metrics/metrics.service';
import { EventsMetrics } from './events-metrics';
import { EventsService } from './events.service';
import type { FeedHub } from './feeds/feed-hub';
import type { LedgerStore } from './ledger/ledger-store';
import { LedgerWriteError, LedgerWriter } from './ledger/ledger-writer';

/** EventsService over a writer whose append does what `append` says. */
function serviceWith(append: () => Promise<unknown>) {
  const metrics = new MetricsService();
  const bus = new EventBus();
  const writer = { append, onCommit: () => undefined } as unknown as LedgerWriter;
  const service = new EventsService(
    bus,
    writer,
    {} as LedgerStore,
    {} as FeedHub,
    new EventsMetrics(metrics),
    {
      events: {
        ingestRatePerSec: 1000,
        ingestBurst: 1000,
        ingestMaxPending: 100,
        payloadLimitBytes: 65536,
      },
    } as AppConfig,
  );
  service.onModuleInit();
  const stored = async () =>
    (await metrics.registry.getSingleMetricAsString('vx11_events_ingested_total')) ?? '';
  return { service, bus, stored };
}

const body = { type: 'bench.test', payload: { n: 1 } };

describe('EventsService, storing an event', () => {
  it('answers an ingest once the ledger has it, and counts it', async () => {
    const { service, stored } = serviceWith(() => Promise.resolve({}));
    await expect(service.ingest(body, '127.0.0.1')).resolves.toMatchObject({
      status: 'received',
      canonical: false,
    });
    expect(await stored()).toMatch(/origin="ingest".* 1/);
  });

  it('refuses an ingest the ledger could not write with ledger_unavailable, and counts nothing', async () => {
    const { service, stored } = serviceWith(() =>
      Promise.reject(new LedgerWriteError(new Error('SQLITE_FULL'))),
    );
    const refused = await service.ingest(body, '127.0.0.1').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'ledger_unavailable' });
    expect(await stored()).not.toMatch(/origin="ingest"/);
  });

  it('passes any other failure on as it is', async () => {
    const { service } = serviceWith(() => Promise.reject(new RangeError('not a ledger failure')));
    await expect(service.ingest(body, '127.0.0.1')).rejects.toThrow(RangeError);
  });

  it('stores what modules emit, without throwing into the emitter when the ledger fails', async () => {
    let appended = 0;
    const { bus, stored } = serviceWith(() => {
      appended += 1;
      return appended === 1 ? Promise.resolve({}) : Promise.reject(new Error('disk gone'));
    });
    bus.emit('chat.completed', 'operator', { n: 1 });
    expect(() => bus.emit('chat.completed', 'operator', { n: 2 })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(appended).toBe(2);
    expect(await stored()).toMatch(/origin="internal".* 1/);
  });
});
