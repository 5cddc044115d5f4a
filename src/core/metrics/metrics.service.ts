import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { strayRejectionCount } from '../errors/stray-rejections';
import { EVENT_LOOP_DELAY_RESOLUTION_MS } from './event-loop-delay';
import { RequestDurationHistogram } from './request-duration-histogram';

const PREFIX = 'vx11_';

/**
 * prom-client's defaults include three gauges named `*_total`, which Prometheus reserves for
 * counters (`promtool check metrics` flags them). Each is the sum of its per-type gauge
 * (`nodejs_active_handles{type}` and so on), so nothing is lost by leaving them out.
 */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * One prom-client registry per app instance (tests boot several apps in one process, so the
 * global default registry would collide). Modules add their own metrics to `registry`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new RequestDurationHistogram(
    'vx11_http_request_duration_seconds',
    'HTTP request duration by route pattern and status',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );

  constructor() {
    collectDefaultMetrics({
      register: this.registry,
      prefix: PREFIX,
      eventLoopMonitoringPrecision: EVENT_LOOP_DELAY_RESOLUTION_MS,
    });
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(PREFIX + name);
    this.registry.registerMetric(this.httpDuration.asMetric());
    new Counter({
      name: 'vx11_unhandled_rejections_total',
      help: 'Promise rejections nobody handled since the process started (each a bug; VX11 logs it and keeps serving)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(strayRejectionCount());
      },
    });
  }

  /** Every HTTP request, by route pattern (bounded: patterns, not URLs). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe(method, route, statusCode, seconds);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
