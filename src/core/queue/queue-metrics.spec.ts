import { JobCatalog } from './job-catalog';
import { QueueMetrics } from './queue-metrics';
import { QueueService } from './queue.service';
import { RedisService } from './redis.service';
import { MetricsService } from '../metrics/metrics.service';

function rig(opts: { up: boolean; counts: (queue: string) => Promise<Record<string, number>> }) {
  const metrics = new MetricsService();
  const queues = {
    queue: (name: string) => ({ getJobCounts: () => opts.counts(name) }),
  } as unknown as QueueService;
  const redis = { isUp: () => opts.up } as unknown as RedisService;
  const collector = new QueueMetrics(metrics, queues, redis, new JobCatalog());
  return { metrics, collector };
}

const lines = async (metrics: MetricsService) =>
  (await metrics.render()).split('\n').filter((l) => /^vx11_queue_/.test(l));

describe('QueueMetrics', () => {
  it('reports every catalogued queue by state, read at scrape time', async () => {
    let waiting = 3;
    const { metrics } = rig({
      up: true,
      counts: async (q) => ({ waiting: q === 'switch' ? waiting : 0, active: 1, failed: 2 }),
    });
    let out = await lines(metrics);
    expect(out).toContain('vx11_queue_jobs{queue="switch",state="waiting"} 3');
    expect(out).toContain('vx11_queue_jobs{queue="madre",state="active"} 1');
    expect(out).toContain('vx11_queue_jobs{queue="madre",state="delayed"} 0');
    expect(out).toContain('vx11_queue_counts_ok 1');
    waiting = 150;
    out = await lines(metrics);
    expect(out).toContain('vx11_queue_jobs{queue="switch",state="waiting"} 150');
  });

  it('drops the series and says 0 while Redis is down, without touching a queue', async () => {
    const counts = jest.fn(async () => ({ waiting: 1 }));
    const { metrics } = rig({ up: false, counts });
    const out = await lines(metrics);
    expect(out).toEqual(['vx11_queue_counts_ok 0']);
    expect(counts).not.toHaveBeenCalled();
  });

  it('gives up on a Redis that does not answer within its bound (the scrape returns), and never throws', async () => {
    const { metrics } = rig({ up: true, counts: () => new Promise(() => undefined) });
    const out = await lines(metrics);
    expect(out).toEqual(['vx11_queue_counts_ok 0']);
  });

  it('treats a failing read as unavailable', async () => {
    const { metrics } = rig({ up: true, counts: async () => Promise.reject(new Error('boom')) });
    expect(await lines(metrics)).toEqual(['vx11_queue_counts_ok 0']);
  });
});
