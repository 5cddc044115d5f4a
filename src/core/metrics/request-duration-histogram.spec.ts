import { Histogram, Registry } from 'prom-client';
import { RequestDurationHistogram } from './request-duration-histogram';

const NAME = 'vx11_http_request_duration_seconds';
const HELP = 'HTTP request duration by route pattern and status';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The same observations through prom-client's own Histogram and through ours. */
async function bothExpositions(
  observations: [string, string, number, number][],
): Promise<[string, string]> {
  const theirs = new Registry();
  const histogram = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['method', 'route', 'status_code'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const ours = new Registry();
  const own = new RequestDurationHistogram(NAME, HELP, BUCKETS);
  ours.registerMetric(own.asMetric());
  for (const [method, route, status, seconds] of observations) {
    histogram.observe({ method, route, status_code: String(status) }, seconds);
    own.observe(method, route, status, seconds);
  }
  return [await theirs.metrics(), await ours.metrics()];
}

describe('RequestDurationHistogram', () => {
  it("writes the lines prom-client's Histogram writes for the same requests", async () => {
    const [theirs, ours] = await bothExpositions([
      ['GET', '/health', 200, 0.0004],
      ['GET', '/health', 200, 0.001], // on a bound: counted in it (le is "less or equal")
      ['GET', '/health', 200, 0.0011],
      ['GET', '/health', 503, 31], // past every bound: only +Inf
      ['POST', '/operator/api/chat', 200, 0.004],
      ['POST', '/operator/api/chat', 429, 0.0002],
      ['GET', 'unmatched', 404, 0.3],
      ['GET', '/health', 200, 7.5],
    ]);
    expect(ours).toBe(theirs);
    expect(ours).toContain(
      `${NAME}_bucket{le="0.001",method="GET",route="/health",status_code="200"} 2`,
    );
    expect(ours).toContain(
      `${NAME}_bucket{le="+Inf",method="GET",route="/health",status_code="503"} 1`,
    );
    expect(ours).toContain(
      `${NAME}_bucket{le="30",method="GET",route="/health",status_code="503"} 0`,
    );
  });

  it('writes only its header lines before any request, as prom-client does', async () => {
    const [theirs, ours] = await bothExpositions([]);
    expect(ours).toBe(theirs);
  });

  it('ignores a duration that is not a number instead of throwing inside a response hook', async () => {
    const own = new RequestDurationHistogram(NAME, HELP, BUCKETS);
    own.observe('GET', '/x', 200, Number.NaN);
    own.observe('GET', '/x', 200, Number.POSITIVE_INFINITY);
    expect((await own.get()).values).toEqual([]);
  });

  it('starts over after reset()', async () => {
    const own = new RequestDurationHistogram(NAME, HELP, BUCKETS);
    own.observe('GET', '/x', 200, 0.1);
    own.reset();
    own.observe('GET', '/x', 200, 0.1);
    const count = (await own.get()).values.find((v) => v.metricName === `${NAME}_count`);
    expect(count?.value).toBe(1);
  });
});
