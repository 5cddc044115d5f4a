import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import { KILL_REASONS, KillReason, RUN_STATUSES, RunStatus } from './spawner-run.entity';
import { OutputStream } from './live-output';

/** Spawner runs by final status, running now, kills by reason, output volume and durations. */
@Injectable()
export class SpawnerMetrics {
  private readonly runs: Counter<'status'>;
  private readonly running: Gauge;
  private readonly kills: Counter<'reason'>;
  private readonly outputBytes: Counter<'stream'>;
  private readonly truncated: Counter<'stream'>;
  private readonly duration: Histogram<'status'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.runs = new Counter({
      name: 'vx11_spawner_runs_total',
      help: 'Spawner runs that ended, by final status',
      labelNames: ['status'],
      registers,
    });
    this.running = new Gauge({
      name: 'vx11_spawner_runs_running',
      help: 'Spawner runs started and not yet ended',
      registers,
    });
    this.kills = new Counter({
      name: 'vx11_spawner_kills_total',
      help: 'Runs whose processes were signalled, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.outputBytes = new Counter({
      name: 'vx11_spawner_output_bytes_total',
      help: 'Bytes runs wrote, by stream (kept or beyond the cap)',
      labelNames: ['stream'],
      registers,
    });
    this.truncated = new Counter({
      name: 'vx11_spawner_output_truncated_total',
      help: 'Runs whose output on a stream went beyond the cap',
      labelNames: ['stream'],
      registers,
    });
    this.duration = new Histogram({
      name: 'vx11_spawner_run_duration_seconds',
      help: 'Wall time of a run from start to end, by final status',
      labelNames: ['status'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    for (const status of RUN_STATUSES)
      if (status !== 'pending' && status !== 'running') this.runs.inc({ status }, 0);
    for (const reason of KILL_REASONS) this.kills.inc({ reason }, 0);
    this.running.set(0);
  }

  setRunning(count: number): void {
    this.running.set(count);
  }

  killed(reason: KillReason): void {
    this.kills.inc({ reason });
  }

  output(stream: OutputStream, bytes: number): void {
    this.outputBytes.inc({ stream }, bytes);
  }

  finished(
    status: RunStatus,
    seconds: number | null,
    truncated: Record<OutputStream, boolean>,
  ): void {
    this.runs.inc({ status });
    if (seconds !== null) this.duration.observe({ status }, seconds);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (truncated[stream]) this.truncated.inc({ stream });
    }
  }
}
