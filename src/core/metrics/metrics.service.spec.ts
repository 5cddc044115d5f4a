import { MetricsService } from './metrics.service';

describe('MetricsService.observeRequest', () => {
  it('records each request under its method, route and status, as observe() with labels did', async () => {
    const metrics = new MetricsService();
    metrics.observeRequest('GET', '/health', 200, 0.002);
    metrics.observeRequest('GET', '/health', 200, 0.2);
    metrics.observeRequest('GET', '/health', 503, 0.004);
    metrics.observeRequest('POST', '/health', 200, 0.001);
    const { values } = await metrics.httpDuration.get();
    const count = (method: string, status: string) =>
      values.find(
        (v) =>
          v.metricName === 'vx11_http_request_duration_seconds_count' &&
          v.labels.method === method &&
          v.labels.route === '/health' &&
          v.labels.status_code === status,
      )?.value;
    expect(count('GET', '200')).toBe(2);
    expect(count('GET', '503')).toBe(1);
    expect(count('POST', '200')).toBe(1);
    const text = await metrics.render();
    expect(text).toContain(
      'vx11_http_request_duration_seconds_bucket{le="0.0025",method="GET",route="/health",status_code="200"} 1',
    );
    expect(text).toContain(
      'vx11_http_request_duration_seconds_sum{method="GET",route="/health",status_code="200"} 0.202',
    );
  });

  it('keeps counting after the registry is reset', async () => {
    const metrics = new MetricsService();
    metrics.observeRequest('GET', '/x', 200, 0.1);
    metrics.registry.resetMetrics();
    metrics.observeRequest('GET', '/x', 200, 0.1);
    expect(await metrics.render()).toContain(
      'vx11_http_request_duration_seconds_count{method="GET",route="/x",status_code="200"} 1',
    );
  });
});
