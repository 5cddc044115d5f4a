import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

export type JobOutcome = 'completed' | 'failed';

/**
 * `vx11_queue_jobs_finished_total{queue,outcome}`: jobs this process's workers finished. Chat
 * jobs are not kept in Redis once answered (job-catalog.ts), so BullMQ's completed count says
 * nothing about them; this counter does.
 */
@Injectable()
export class FinishedJobs {
  private readonly finished: Counter<'queue' | 'outcome'>;
  private readonly series = new Map<string, { metric: Counter.Internal; total: number }>();

  constructor(metrics: MetricsService) {
    this.finished = new Counter({
      name: 'vx11_queue_jobs_finished_total',
      help: 'Jobs finished by this process’s workers, per queue and outcome',
      labelNames: ['queue', 'outcome'],
      registers: [metrics.registry],
    });
  }

  count(queue: string, outcome: JobOutcome): void {
    const key = `${queue} ${outcome}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { metric: this.finished.labels(queue, outcome), total: 0 };
      this.series.set(key, series);
    }
    series.metric.inc();
    series.total += 1;
  }

  /** Jobs of `queue` finished with `outcome` since this process started. */
  total(queue: string, outcome: JobOutcome): number {
    return this.series.get(`${queue} ${outcome}`)?.total ?? 0;
  }
}
