import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import { FallbackSource } from '../madre/chat/fallback-source';

/** Chats by fallback source and their end-to-end latency. */
@Injectable()
export class ChatMetrics {
  private readonly chats: Counter<'fallback_source'>;
  private readonly latency: Histogram<'fallback_source'>;

  constructor(metrics: MetricsService) {
    this.chats = new Counter({
      name: 'vx11_chat_total',
      help: 'Chat answers by the tier that produced them',
      labelNames: ['fallback_source'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'vx11_chat_duration_seconds',
      help: 'Chat round trip inside VX11, by answering tier',
      labelNames: ['fallback_source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }

  record(source: FallbackSource, seconds: number): void {
    this.chats.inc({ fallback_source: source });
    this.latency.observe({ fallback_source: source }, seconds);
  }
}
