import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';

/** Why an upload was refused (the label of vx11_shub_uploads_refused_total). */
export const REFUSAL_REASONS = [
  'too_large',
  'not_wav',
  'unsupported',
  'malformed',
  'truncated',
  'bad_request',
  'queue_unavailable',
  'aborted',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const FINAL = ['completed', 'failed', 'cancelled'] as const;

/** Shub jobs by final status, jobs analysing now, refused uploads, audio and CPU time spent. */
@Injectable()
export class ShubMetrics {
  private readonly jobs: Counter<'status'>;
  private readonly processing: Gauge;
  private readonly refused: Counter<'reason'>;
  private readonly uploadBytes: Counter;
  private readonly audioSeconds: Counter;
  private readonly analysisSeconds: Histogram;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.jobs = new Counter({
      name: 'vx11_shub_jobs_total',
      help: 'Shub analysis jobs that ended, by final status',
      labelNames: ['status'],
      registers,
    });
    this.processing = new Gauge({
      name: 'vx11_shub_jobs_processing',
      help: 'Shub jobs being analysed now',
      registers,
    });
    this.refused = new Counter({
      name: 'vx11_shub_uploads_refused_total',
      help: 'Uploads refused before a job was made, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.uploadBytes = new Counter({
      name: 'vx11_shub_upload_bytes_total',
      help: 'Bytes of WAV uploads accepted as jobs',
      registers,
    });
    this.audioSeconds = new Counter({
      name: 'vx11_shub_audio_seconds_total',
      help: 'Seconds of audio analysed by completed jobs',
      registers,
    });
    this.analysisSeconds = new Histogram({
      name: 'vx11_shub_analysis_duration_seconds',
      help: 'Wall time of a completed analysis',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    for (const status of FINAL) this.jobs.inc({ status }, 0);
    for (const reason of REFUSAL_REASONS) this.refused.inc({ reason }, 0);
    this.processing.set(0);
  }

  accepted(bytes: number): void {
    this.uploadBytes.inc(bytes);
  }

  refusedUpload(reason: RefusalReason): void {
    this.refused.inc({ reason });
  }

  setProcessing(count: number): void {
    this.processing.set(count);
  }

  ended(status: (typeof FINAL)[number]): void {
    this.jobs.inc({ status });
  }

  analysed(audioSeconds: number, wallSeconds: number): void {
    this.audioSeconds.inc(audioSeconds);
    this.analysisSeconds.observe(wallSeconds);
  }
}
