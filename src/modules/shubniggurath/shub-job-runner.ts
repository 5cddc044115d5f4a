import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { performance } from 'node:perf_hooks';
import { withCorrelationId } from '../../core/correlation/correlation';
import { EventBus, Severity } from '../../core/events/event-bus.service';
import { AnalysisAborted, analyzeWavFile } from './dsp/audio-analyzer';
import { masteringAdvice, resolveTarget, StyleName } from './mastering-advice';
import { ShubJobEntity } from './shub-job.entity';
import { ShubJobStore } from './shub-job.store';
import { ShubMetrics } from './shub-metrics';
import { removeUpload } from './shub-paths';

/** What a shub queue job carries: only the id; the row holds the rest. */
export interface ShubJobData {
  job_id: string;
}

/** Why a running analysis is stopped. */
export type StopReason = 'cancelled' | 'deactivating';

interface Running {
  controller: AbortController;
  progress: number;
  /** Resolves once the job's row has left `processing`. */
  settled: Promise<void>;
}

const EVENT_SOURCE = 'shubniggurath';

/**
 * Works one shub queue job: queued → processing → completed | failed | cancelled, the row being
 * the truth (the queue job only says "look at this row"). A cancel stops the analysis between
 * two blocks; a deactivation stops it too but puts the job back in the queue, to be analysed
 * again from the start when shub wakes. The upload's temp file is removed when the job ends.
 */
@Injectable()
export class ShubJobRunner {
  private readonly logger = new Logger('Shub');
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly store: ShubJobStore,
    private readonly events: EventBus,
    private readonly metrics: ShubMetrics,
  ) {}

  get runningCount(): number {
    return this.running.size;
  }

  /** Live fraction analysed of a processing job (0 when it is not running here). */
  progressOf(id: string): number {
    return this.running.get(id)?.progress ?? 0;
  }

  /** Stops a running analysis; resolves once its row has left `processing` (false: not here). */
  async stop(id: string, reason: StopReason): Promise<boolean> {
    const run = this.running.get(id);
    if (!run) return false;
    run.controller.abort(reason);
    await run.settled;
    return true;
  }

  /** Stops every running analysis (their jobs go back to the queue) and waits for them. */
  async interruptAll(): Promise<number> {
    const ids = [...this.running.keys()];
    await Promise.all(ids.map((id) => this.stop(id, 'deactivating')));
    return ids.length;
  }

  /** The handler of the shub queue's analyze jobs. */
  async process(job: Job<ShubJobData>): Promise<{ status: string }> {
    const id = job.data.job_id;
    const row = await this.store.find(id);
    if (!row) return { status: 'gone' };
    return withCorrelationId(row.correlation_id ?? id, () => this.run(row));
  }

  private async run(row: ShubJobEntity): Promise<{ status: string }> {
    const id = row.id;
    let markSettled!: () => void;
    const run: Running = {
      controller: new AbortController(),
      progress: 0,
      settled: new Promise<void>((resolve) => (markSettled = resolve)),
    };
    // Registered before the row changes: a cancel that sees `processing` finds it here.
    this.running.set(id, run);
    this.metrics.setProcessing(this.running.size);
    const startedAt = new Date().toISOString();
    try {
      // A job left `processing` by a stopped process is taken up again from the start.
      const taken = await this.store.transition(id, ['queued', 'processing'], {
        status: 'processing',
        started_at: startedAt,
        attempts: row.attempts + 1,
        error: null,
      });
      if (!taken) return { status: 'skipped' };
      this.emit('shub.job.started', { job_id: id, attempt: row.attempts + 1 });
      const started = performance.now();
      try {
        const result = await analyzeWavFile(row.temp_path ?? '', row.wav, {
          signal: run.controller.signal,
          onProgress: (fraction) => (run.progress = fraction),
        });
        const ms = Math.round(performance.now() - started);
        // The style (if any) gives the DR template; the row's target is the loudness aimed at.
        const style = (row.style as StyleName | null) ?? undefined;
        const target = resolveTarget(style, style ? undefined : row.target_lufs);
        const advice = masteringAdvice(result, { ...target, target_lufs: row.target_lufs });
        await this.finish(row, 'completed', { result, advice, analysis_ms: ms });
        this.metrics.analysed(result.format.duration_sec, ms / 1000);
        this.emit('shub.job.completed', {
          job_id: id,
          integrated_lufs: result.loudness.integrated_lufs,
          true_peak_dbtp: result.loudness.true_peak_dbtp,
          loudness_range_lu: result.loudness.loudness_range_lu,
          analysis_ms: ms,
        });
        for (const step of advice) this.emit('shub.action.narrated', { ...step, job_id: id });
        return { status: 'completed' };
      } catch (err) {
        if (err instanceof AnalysisAborted && err.reason === 'deactivating') {
          return await this.interrupted(id);
        }
        if (err instanceof AnalysisAborted) {
          const analysed = Math.floor(run.progress * 100);
          await this.finish(row, 'cancelled', {
            error: `cancelled while processing (${analysed} % analysed)`,
          });
          this.emit('shub.job.cancelled', { job_id: id, while: 'processing' }, 'warning');
          return { status: 'cancelled' };
        }
        const message = (err as Error).message;
        this.logger.warn(`job ${id} failed: ${message}`);
        await this.finish(row, 'failed', { error: `analysis failed: ${message}` });
        this.emit('shub.job.failed', { job_id: id, error: message }, 'error');
        throw new UnrecoverableError(message); // a file that cannot be analysed is not retried
      }
    } finally {
      this.running.delete(id);
      this.metrics.setProcessing(this.running.size);
      markSettled();
    }
  }

  /**
   * The module is going dormant: the row goes back to `queued` and the queue job ends (as
   * failed, "interrupted", never retried by BullMQ); the lifecycle queues the row again once
   * the worker is closed, so the job waits for the next wake.
   */
  private async interrupted(id: string): Promise<never> {
    await this.store.update(id, { status: 'queued', started_at: null });
    this.emit('shub.job.interrupted', { job_id: id, reason: 'module_deactivating' }, 'warning');
    throw new UnrecoverableError('interrupted: shub is going dormant; the job is queued again');
  }

  private async finish(
    row: ShubJobEntity,
    status: 'completed' | 'failed' | 'cancelled',
    patch: Partial<ShubJobEntity>,
  ): Promise<void> {
    await removeUpload(row.temp_path); // first: a job seen ended has no file left
    await this.store.update(row.id, {
      ...patch,
      status,
      finished_at: new Date().toISOString(),
      temp_path: null,
    });
    this.metrics.ended(status);
  }

  private emit(type: string, payload: Record<string, unknown>, severity: Severity = 'info'): void {
    this.events.emit(type, EVENT_SOURCE, payload, severity);
  }
}
