import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { nativeDb } from '../../../core/database/native-db';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { ProbeResult } from './health-probe';

/** Health results per module (from the last cycle) and unresolved incidents (at scrape time). */
@Injectable()
export class HealthMetrics {
  private readonly up: Gauge<'module'>;
  private readonly latency: Gauge<'module'>;

  constructor(metrics: MetricsService, @InjectDataSource() db: DataSource) {
    this.up = new Gauge({
      name: 'vx11_module_health_ok',
      help: 'Last health check of each module: 1 ok, 0 failing',
      labelNames: ['module'],
      registers: [metrics.registry],
    });
    this.latency = new Gauge({
      name: 'vx11_module_health_latency_seconds',
      help: 'Duration of the last health check of each module',
      labelNames: ['module'],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'vx11_incidents_open',
      help: 'Incidents not resolved yet, by status (open, acknowledged)',
      labelNames: ['status'],
      registers: [metrics.registry],
      collect() {
        const sqlite = db.isInitialized ? nativeDb(db) : undefined;
        if (!sqlite?.open) return; // shutting down: keep the last values
        const rows = sqlite
          .prepare(
            "SELECT status, COUNT(*) AS n FROM incidents WHERE status != 'resolved' GROUP BY status",
          )
          .all() as Array<{ status: string; n: number }>;
        for (const status of ['open', 'acknowledged']) {
          this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
        }
      },
    });
  }

  record(result: ProbeResult): void {
    this.up.set({ module: result.module }, result.ok ? 1 : 0);
    this.latency.set({ module: result.module }, result.latency_ms / 1000);
  }

  /** A module no longer checked (turned off) leaves the gauge. */
  forget(module: string): void {
    this.up.remove({ module });
    this.latency.remove({ module });
  }
}
