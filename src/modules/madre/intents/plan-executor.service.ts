import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../../core/config/app-config';
import { withCorrelationId } from '../../../core/correlation/correlation';
import { ApiError } from '../../../core/errors/api-error';
import { EventBus } from '../../../core/events/event-bus.service';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { JobHandlers } from '../../../core/queue/job-handlers';
import { JobName, QueueName } from '../../../core/queue/queue-names';
import { QueueService } from '../../../core/queue/queue.service';
import { RedisService } from '../../../core/queue/redis.service';
import { describeError } from '../../../core/util/guarded';
import { Mutex } from '../../../core/util/mutex';
import { withTimeout } from '../../../core/util/with-timeout';
import { PlanStepEntity } from './plan-step.entity';
import { PlanEntity } from './plan.entity';
import { PlanMetrics } from './plan-metrics';
import { PlanRepository } from './plan.repository';
import { isIdempotent } from './step-spec';
import { StepFailed } from './steps/step-runner';
import { StepRunners } from './steps/step-runners';

const ENQUEUE_TIMEOUT_MS = 2000;

export interface PlanJobData {
  plan_id: string;
  /** Set by recovery: the plan is RUNNING from a previous process and continues. */
  resume?: boolean;
}

/**
 * Runs plans, one at a time and one step at a time, on the plans queue (in-process while Redis
 * is down). Each step's status, timing, output and error are recorded; a failing step stops the
 * plan with ERROR and its reason, after which only cleanup steps run (a window the plan opened
 * is closed). At boot, RUNNING plans resume at their first unfinished step when it is
 * idempotent, or end ERROR `interrupted` (cleanup still runs).
 */
@Injectable()
export class PlanExecutor
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Plans');
  private readonly oneAtATime = new Mutex();
  private readonly cancelRequested = new Set<string>();
  private worker: Worker | undefined;
  private stopping = false;
  /** Set when shutdown stopped waiting for a step: its late result is not written anywhere. */
  private abandoned = false;
  private current: Promise<unknown> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: PlanRepository,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly jobHandlers: JobHandlers,
    private readonly events: EventBus,
    private readonly humanLog: HumanLogService,
    private readonly metrics: PlanMetrics,
    private readonly runners: StepRunners,
  ) {}

  onModuleInit(): void {
    this.jobHandlers.register(QueueName.Plans, JobName.PlanRun, (job: Job<PlanJobData>) =>
      this.execute(job.data.plan_id, job.data.resume === true),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = this.queues.startWorker(QueueName.Plans);
    await this.recover();
  }

  /** Stops taking steps; the step in flight gets `intents.shutdownWaitMs` to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.current) {
      await withTimeout(this.current, this.config.intents.shutdownWaitMs, 'plan step').catch(
        () => (this.abandoned = true),
      );
    }
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await this.queues.closeWorker(worker);
  }

  get workerRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  /**
   * Puts the plan on the plans queue, or runs it in-process when Redis is down. The intent's
   * priority (0..10, higher first) orders waiting plans; resumed plans go before all of them.
   */
  async enqueue(planId: string, resume = false, priority = 0): Promise<'queued' | 'in_process'> {
    const data: PlanJobData = { plan_id: planId, ...(resume ? { resume } : {}) };
    if (this.redis.isUp()) {
      try {
        await withTimeout(
          this.queues.queue(QueueName.Plans).add(JobName.PlanRun, data, {
            jobId: `${planId}.${Date.now().toString(36)}`,
            ...(resume ? {} : { priority: 11 - priority }),
          }),
          ENQUEUE_TIMEOUT_MS,
          'enqueue',
        );
        return 'queued';
      } catch (err) {
        this.logger.warn(`plan ${planId} not queued (${describeError(err)}); in-process`);
      }
    }
    this.execute(planId, resume).catch((err) =>
      this.logger.error(`plan ${planId} failed to run: ${describeError(err)}`),
    );
    return 'in_process';
  }

  /** Asks a RUNNING plan to stop after its current step; false when it is not running here. */
  requestCancel(planId: string): void {
    this.cancelRequested.add(planId);
  }

  /** Runs a PENDING plan (or a RUNNING one, resumed); anything else is left alone. */
  execute(planId: string, resume = false): Promise<string | null> {
    return this.oneAtATime.run(async () => {
      if (this.stopping) return null;
      const plan = await this.repo.get(planId);
      if (!plan) return null;
      const startable = plan.status === 'PENDING' || (resume && plan.status === 'RUNNING');
      if (!startable) return plan.status;
      const run = withCorrelationId(plan.correlation_id, () => this.run(plan));
      this.current = run;
      try {
        return await run;
      } finally {
        this.current = undefined;
        this.cancelRequested.delete(planId);
      }
    });
  }

  private async run(plan: PlanEntity): Promise<string | null> {
    const startedAt = plan.started_at ?? new Date().toISOString();
    if (plan.status !== 'RUNNING') {
      const claimed = await this.repo.transition(plan.id, ['PENDING'], {
        status: 'RUNNING',
        started_at: startedAt,
      });
      if (!claimed) return null;
    }
    const steps = await this.repo.stepsOf(plan.id);
    let failure: string | null = plan.error;
    let cancelled = false;
    for (const step of steps) {
      if (this.stopping) return null; // stays RUNNING: the next start resumes or ends it
      if (step.status === 'DONE' || step.status === 'SKIPPED') continue;
      if (step.status === 'ERROR') {
        failure ??= `step ${step.seq} ${step.type}: ${step.error ?? 'failed'}`;
        continue;
      }
      if (!cancelled && this.cancelRequested.has(plan.id)) cancelled = true;
      if ((failure || cancelled) && !step.cleanup) {
        await this.repo.updateStep(step.id, { status: 'SKIPPED' });
        step.status = 'SKIPPED';
        continue;
      }
      const error = await this.runStep(plan, step, steps);
      if (error === undefined) return null;
      if (error && !failure) failure = `step ${step.seq} ${step.type}: ${error}`;
    }
    const status = failure ? 'ERROR' : cancelled ? 'CANCELLED' : 'DONE';
    const finishedAt = new Date().toISOString();
    await this.repo.update(plan.id, { status, error: failure, finished_at: finishedAt });
    this.metrics.planFinished(status, plan.risk);
    const durationMs = Date.parse(finishedAt) - Date.parse(startedAt);
    this.events.emit(
      'plan.completed',
      'madre',
      {
        plan_id: plan.id,
        status,
        risk: plan.risk,
        duration_ms: durationMs,
        steps: steps.map((s) => ({ seq: s.seq, type: s.type, status: s.status })),
        ...(failure ? { error: failure } : {}),
      },
      status === 'ERROR' ? 'warning' : 'info',
    );
    this.humanLog.write(
      'architect',
      'PLAN',
      `${plan.id} ${plan.intent_type} risk=${plan.risk} -> ${status}${failure ? ` (${failure})` : ''}`,
    );
    return status;
  }

  /**
   * Runs one step and records it; returns its error message, null when it succeeded, or
   * undefined when shutdown abandoned it (left RUNNING for the next start to decide).
   */
  private async runStep(
    plan: PlanEntity,
    step: PlanStepEntity,
    steps: PlanStepEntity[],
  ): Promise<string | null | undefined> {
    const started = new Date();
    Object.assign(step, { status: 'RUNNING', started_at: started.toISOString(), error: null });
    await this.repo.updateStep(step.id, {
      status: 'RUNNING',
      started_at: step.started_at,
      error: null,
    });
    let output: Record<string, unknown> | null = null;
    let error: string | null = null;
    try {
      const runner = this.runners.get(step.type);
      if (!runner)
        throw new StepFailed(`no runner for step ${step.type}`, null, 'step_unavailable');
      output = await withTimeout(
        runner.run({ plan, step, steps }),
        this.config.intents.stepTimeoutMs,
        `step ${step.type}`,
      );
    } catch (err) {
      error = err instanceof ApiError ? `${err.code}: ${err.message}` : describeError(err);
      if (err instanceof StepFailed) output = err.output;
      if (err instanceof StepFailed && err.code !== 'step_failed') error = `${err.code}: ${error}`;
    }
    if (this.abandoned) return undefined;
    const finished = new Date();
    const patch = {
      status: error ? ('ERROR' as const) : ('DONE' as const),
      output,
      error,
      finished_at: finished.toISOString(),
      duration_ms: finished.getTime() - started.getTime(),
    };
    Object.assign(step, patch);
    await this.repo.updateStep(step.id, patch);
    this.metrics.stepFinished(step.type, patch.status);
    this.events.emit(
      'plan.step.completed',
      'madre',
      {
        plan_id: plan.id,
        step_id: step.id,
        seq: step.seq,
        type: step.type,
        status: patch.status,
        duration_ms: patch.duration_ms,
        ...(error ? { error } : {}),
      },
      error ? 'warning' : 'info',
    );
    return error;
  }

  /**
   * Boot: a RUNNING plan resumes at its first unfinished step if that step is idempotent;
   * otherwise that step ends ERROR `interrupted` and the plan ends ERROR after its cleanup.
   * PENDING plans (their in-process run died with the process) are queued again.
   */
  private async recover(): Promise<void> {
    for (const plan of await this.repo.withStatus(['RUNNING'])) {
      const steps = await this.repo.stepsOf(plan.id);
      const next = steps.find((s) => s.status === 'RUNNING' || s.status === 'PENDING');
      if (next && !next.cleanup && !isIdempotent(next.type)) {
        const now = new Date().toISOString();
        await this.repo.updateStep(next.id, {
          status: 'ERROR',
          error: 'interrupted',
          finished_at: now,
        });
        await this.repo.update(plan.id, { error: 'interrupted' });
        this.logger.warn(`plan ${plan.id} interrupted at step ${next.seq} ${next.type}`);
      } else if (next) {
        await this.repo.updateStep(next.id, { status: 'PENDING' });
        this.logger.log(`plan ${plan.id} resumes at step ${next.seq} ${next.type}`);
      }
      await this.enqueue(plan.id, true);
    }
    for (const plan of await this.repo.withStatus(['PENDING'])) {
      await this.enqueue(plan.id, false, plan.priority);
    }
  }
}
