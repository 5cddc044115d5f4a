import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { currentCorrelationId, withCorrelationId } from '../../../core/correlation/correlation';
import { nativeDb } from '../../../core/database/native-db';
import { RetentionHooks } from '../../../core/database/retention-hooks';
import { ApiError } from '../../../core/errors/api-error';
import { EventBus } from '../../../core/events/event-bus.service';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { JobName, QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { Mutex } from '../../../core/util/mutex';
import { withTimeout } from '../../../core/util/with-timeout';
import { dataPaths } from './data-paths';
import { MaintenanceMetrics } from './maintenance-metrics';
import { MaintenanceRunEntity, MaintenanceSource } from './maintenance-run.entity';
import { MaintenanceReport, runMaintenance } from './maintenance-steps';
import { MadreErrors } from '../madre-errors';

const ENQUEUE_TIMEOUT_MS = 2000;
/** A scheduled run requested within this long counts as tonight's (queue and timer both fire). */
const SCHEDULE_DEDUPE_MS = 12 * 3600 * 1000;
/** A run still unfinished after this is stuck (its job lost): new requests stop joining it. */
const JOIN_RUNNING_FOR_MS = 3600 * 1000;

export interface MaintenanceRequest {
  applyRetention: boolean;
  reason: string;
  source: MaintenanceSource;
}

const isFinished = (run: MaintenanceRunEntity | null) =>
  run !== null && (run.status === 'ok' || run.status === 'failed');

/**
 * What a request got: a new run, or (`reused`) one it joined because it was still going, or
 * one finished less than `maintenance.minBackupIntervalSec` ago.
 */
export interface Submission {
  run: MaintenanceRunEntity;
  reused: null | 'in_progress' | 'within_min_interval';
}

/** A run that did retention covers a request for it; any run covers one that did not ask. */
const covers = (run: { apply_retention: boolean }, request: MaintenanceRequest) =>
  run.apply_retention || !request.applyRetention;

/**
 * Maintenance runs (CONTRACT §7): persisted in maintenance_runs, executed one at a time by the
 * maintenance-queue worker, or in-process while Redis is down so post_task still works.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Maintenance');
  private readonly oneAtATime = new Mutex();
  /** Reuse decisions one at a time, so ten requests at once make one run. */
  private readonly submitting = new Mutex();
  /** Runs recorded by this process and not finished yet, with when they were recorded. */
  private readonly unfinished = new Map<string, { applyRetention: boolean; at: number }>();
  private readonly finished = new EventEmitter().setMaxListeners(0);
  private readonly paths;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly queues: QueueService,
    private readonly events: EventBus,
    private readonly humanLog: HumanLogService,
    private readonly hooks: RetentionHooks,
    private readonly metrics: MaintenanceMetrics,
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(MaintenanceRunEntity)
    private readonly runs: Repository<MaintenanceRunEntity>,
  ) {
    this.paths = dataPaths(config.dataDir);
  }

  /** A run that was going when the process died will never finish: say so. */
  async onApplicationBootstrap(): Promise<void> {
    await this.runs.update(
      { status: 'running' },
      { status: 'failed', returncode: 1, error: 'interrupted by a restart' },
    );
  }

  /**
   * Records a run and puts it on the maintenance queue (in-process with Redis down) — unless a
   * run that covers the request is going, or finished within the minimum interval: then the
   * request gets that one, so a flood of requests never becomes a flood of backups.
   */
  submit(request: MaintenanceRequest): Promise<Submission> {
    return this.submitting.run(async () => {
      const reusable = await this.reusable(request);
      if (reusable) return reusable;
      const run = await this.record(request, currentCorrelationId() ?? null);
      if (!(await this.enqueue(run.id))) {
        this.execute(run.id).catch((err: Error) =>
          this.logger.error(`maintenance run ${run.id} failed: ${err.message}`),
        );
      }
      return { run, reused: null };
    });
  }

  /** The next time post_task starts a new run rather than reusing `run`. */
  nextRunAfter(run: MaintenanceRunEntity): string | null {
    if (!run.finished_at) return null;
    const interval = this.config.maintenance.minBackupIntervalSec * 1000;
    return new Date(Date.parse(run.finished_at) + interval).toISOString();
  }

  private async reusable(request: MaintenanceRequest): Promise<Submission | null> {
    const now = Date.now();
    for (const [id, pending] of this.unfinished) {
      if (now - pending.at > JOIN_RUNNING_FOR_MS) {
        this.unfinished.delete(id);
        continue;
      }
      if (!covers({ apply_retention: pending.applyRetention }, request)) continue;
      const run = await this.runs.findOneBy({ id });
      if (run && (run.status === 'queued' || run.status === 'running')) {
        return { run, reused: 'in_progress' };
      }
      this.unfinished.delete(id);
    }
    const intervalMs = this.config.maintenance.minBackupIntervalSec * 1000;
    if (intervalMs <= 0) return null;
    const recent = await this.runs.findOne({
      where: {
        finished_at: MoreThan(new Date(now - intervalMs).toISOString()),
        ...(request.applyRetention ? { apply_retention: true } : {}),
      },
      order: { finished_at: 'DESC' },
    });
    return recent ? { run: recent, reused: 'within_min_interval' } : null;
  }

  /** The nightly run; the queue job and the local timer both land here, the second is a no-op. */
  async runScheduled(): Promise<MaintenanceRunEntity | null> {
    const since = new Date(Date.now() - SCHEDULE_DEDUPE_MS).toISOString();
    const recent = await this.runs.countBy({ source: 'schedule', requested_at: MoreThan(since) });
    if (recent > 0) return null;
    const run = await this.record(
      { applyRetention: true, reason: 'nightly schedule', source: 'schedule' },
      null,
    );
    return this.execute(run.id);
  }

  /** Runs a queued run; a run already started or finished (a repeated delivery) is left alone. */
  execute(id: string): Promise<MaintenanceRunEntity | null> {
    return this.oneAtATime.run(async () => {
      const run = await this.runs.findOneBy({ id });
      if (!run || run.status !== 'queued') {
        if (!run || isFinished(run)) this.unfinished.delete(id);
        return run;
      }
      try {
        return await withCorrelationId(run.correlation_id ?? run.id, () => this.perform(run));
      } finally {
        this.unfinished.delete(id);
      }
    });
  }

  /** Resolves with the finished run, or null when it is still going after `ms`. */
  async waitFor(id: string, ms: number): Promise<MaintenanceRunEntity | null> {
    let onDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      onDone = resolve;
      this.finished.once(id, onDone);
    });
    try {
      const current = await this.runs.findOneBy({ id });
      if (isFinished(current)) return current;
      await withTimeout(done, ms, 'maintenance run').catch(() => undefined);
      const run = await this.runs.findOneBy({ id });
      return isFinished(run) ? run : null;
    } finally {
      this.finished.off(id, onDone);
    }
  }

  async get(id: string): Promise<MaintenanceRunEntity> {
    const run = await this.runs.findOneBy({ id });
    if (!run) {
      throw new ApiError(MadreErrors.maintenance_job_not_found, `No maintenance job with id ${id}`);
    }
    return run;
  }

  /** The post_task / jobs/:id body. */
  view(run: MaintenanceRunEntity) {
    const duration =
      run.started_at && run.finished_at
        ? Date.parse(run.finished_at) - Date.parse(run.started_at)
        : null;
    return {
      status: run.status,
      returncode: run.returncode,
      job_id: run.id,
      source: run.source,
      reason: run.reason,
      apply_retention: run.apply_retention,
      requested_at: run.requested_at,
      started_at: run.started_at,
      finished_at: run.finished_at,
      duration_ms: duration,
      report: run.report,
      ...(run.error ? { error: run.error } : {}),
    };
  }

  /** Resolves once no run is going or waiting in this process. */
  async idle(): Promise<void> {
    await this.oneAtATime.run(async () => undefined);
  }

  private async record(
    request: MaintenanceRequest,
    correlationId: string | null,
  ): Promise<MaintenanceRunEntity> {
    const run: MaintenanceRunEntity = {
      id: randomUUID(),
      status: 'queued',
      returncode: null,
      source: request.source,
      reason: request.reason,
      apply_retention: request.applyRetention,
      requested_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
      report: null,
      error: null,
      correlation_id: correlationId,
    };
    await this.runs.insert(run);
    this.unfinished.set(run.id, { applyRetention: run.apply_retention, at: Date.now() });
    return run;
  }

  private async enqueue(id: string): Promise<boolean> {
    if (!this.redis.isUp()) return false;
    try {
      await withTimeout(
        this.queues
          .queue(QueueName.Maintenance)
          .add(JobName.MaintenanceRun, { run_id: id }, { jobId: id }),
        ENQUEUE_TIMEOUT_MS,
        'enqueue',
      );
      return true;
    } catch (err) {
      this.logger.warn(`maintenance run ${id} not queued (${(err as Error).message}); in-process`);
      return false;
    }
  }

  private async perform(run: MaintenanceRunEntity): Promise<MaintenanceRunEntity | null> {
    const startedAt = new Date().toISOString();
    await this.runs.update(run.id, { status: 'running', started_at: startedAt });
    this.humanLog.write(
      'architect',
      'MAINTENANCE',
      `run ${run.id} started (${run.source}: ${run.reason}; retention ${run.apply_retention ? 'requested' : 'if oversize'})`,
    );
    let report: MaintenanceReport | undefined;
    let error: string | null = null;
    try {
      report = await runMaintenance({
        db: nativeDb(this.db),
        paths: this.paths,
        keepBackups: this.config.maintenance.keepBackups,
        retentionDays: this.config.retentionDays,
        retentionOverBytes: this.config.maintenance.retentionOverBytes,
        applyRetention: run.apply_retention,
        retentionHooks: this.hooks.all(),
        minBackupIntervalSec: this.config.maintenance.minBackupIntervalSec,
        archiveMaxBytes: this.config.maintenance.archiveMaxBytes,
        minFreeDiskBytes: this.config.maintenance.minFreeDiskBytes,
        run,
      });
    } catch (err) {
      error = (err as Error).message;
    }
    const status = report?.status ?? 'failed';
    const finished: Partial<MaintenanceRunEntity> = {
      status,
      returncode: report?.returncode ?? 1,
      started_at: report?.started_at ?? startedAt,
      finished_at: report?.finished_at ?? new Date().toISOString(),
      report: report ? { ...report.steps } : null,
      error,
    };
    await this.runs.update(run.id, finished);
    this.announce(run, status, report, error);
    this.finished.emit(run.id);
    return this.runs.findOneBy({ id: run.id });
  }

  private announce(
    run: MaintenanceRunEntity,
    status: 'ok' | 'failed',
    report: MaintenanceReport | undefined,
    error: string | null,
  ): void {
    this.metrics.recordRun(status);
    const failedSteps = report
      ? Object.entries(report.steps)
          .filter(([, s]) => !s.ok)
          .map(([name]) => name)
      : [];
    const backup = report?.steps.backup.ok ? (report.steps.backup.name as string) : null;
    this.events.emit(
      'maintenance.completed',
      'madre',
      {
        job_id: run.id,
        status,
        returncode: status === 'ok' ? 0 : 1,
        duration_ms: report?.duration_ms ?? null,
        backup,
        failed_steps: failedSteps,
      },
      status === 'ok' ? 'info' : 'error',
    );
    const why = error ?? (failedSteps.length > 0 ? `failed steps: ${failedSteps.join(', ')}` : '');
    this.humanLog.write(
      'architect',
      status === 'ok' ? 'MAINTENANCE' : 'MAINTENANCE FAILED',
      `run ${run.id} ${status} in ${report?.duration_ms ?? 0} ms; backup ${backup ?? 'none'}${why ? `; ${why}` : ''}`,
    );
  }
}
