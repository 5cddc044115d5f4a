import { Inject, Injectable, Optional } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { JobName, QueueName } from './queue-names';

/** A job's options: how often it is tried and how many finished ones Redis keeps. */
export type JobSpec = Required<
  Pick<JobsOptions, 'attempts' | 'removeOnComplete' | 'removeOnFail'>
> &
  Pick<JobsOptions, 'backoff'>;

/** A queue: who consumes it, how its worker runs, and the only job names it carries. */
export interface QueueSpec {
  /** The module whose worker consumes the queue (the source of events about that worker). */
  readonly owner: string;
  /** Jobs the worker runs at once. */
  readonly concurrency: number | ((config: AppConfig) => number);
  /** How long a job may run before BullMQ deems it stalled (BullMQ's default: 30 s). */
  readonly lockDurationMs?: number;
  /** How long closing the worker lets its active jobs finish (QueueService's default: 5 s). */
  readonly drainMs?: number;
  readonly jobs: Readonly<Record<string, JobSpec>>;
}

/** A bounded tail of finished jobs, to inspect; results reach callers in memory. */
const KEEP_FINISHED = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };

/**
 * A chat job carries the conversation and returns the answer: both are stored in SQLite, so
 * an answered job is deleted at once rather than kept in Redis with its text (it also costs
 * Redis ~20 % less per job: no completed set to add to and trim, bench/queue.bench.js). Failed
 * ones stay, to inspect. vx11_queue_jobs_finished_total counts the chats a queue answered.
 */
const CHAT_JOB = { attempts: 1, removeOnComplete: true, removeOnFail: { count: 1000 } };

/**
 * Every queue and job of VX11 with its options, in one place. Each job name has exactly one
 * handler, registered by its module (JobHandlers.register) and checked at boot. Every job is
 * tried once: each has a fallback that is better than a late retry, noted beside it.
 */
export const JOB_CATALOG = {
  [QueueName.Switch]: {
    owner: 'switch',
    concurrency: 32,
    // A failed chat falls back to madre at once; a retry would answer a caller who left.
    jobs: { [JobName.Chat]: CHAT_JOB },
  },
  [QueueName.Madre]: {
    owner: 'madre',
    concurrency: 16,
    // A failed chat is answered by the local responder at once.
    jobs: { [JobName.Chat]: CHAT_JOB },
  },
  [QueueName.Power]: {
    owner: 'madre',
    concurrency: 4,
    // Each deadline also has a local timer; closing a window twice is a no-op.
    jobs: { [JobName.WindowExpire]: { attempts: 1, ...KEEP_FINISHED } },
  },
  [QueueName.Health]: {
    owner: 'madre',
    concurrency: 1,
    // The next cycle comes one interval later (or from the local watchdog).
    jobs: {
      [JobName.HealthCycle]: {
        attempts: 1,
        removeOnComplete: { count: 20 },
        removeOnFail: { count: 50 },
      },
    },
  },
  [QueueName.Maintenance]: {
    owner: 'madre',
    concurrency: 1,
    // A run may hold the event loop in long PRAGMA checks: keep the job's lock meanwhile.
    lockDurationMs: 10 * 60_000,
    // A backup in progress gets most of madre's lifecycle step budget to finish cleanly.
    drainMs: 12_000,
    // A failed run is recorded with its reason; the operator or the next night runs again.
    jobs: {
      [JobName.MaintenanceRun]: { attempts: 1, ...KEEP_FINISHED },
      [JobName.MaintenanceNightly]: {
        attempts: 1,
        removeOnComplete: { count: 30 },
        removeOnFail: { count: 30 },
      },
    },
  },
  [QueueName.Shub]: {
    owner: 'shubniggurath',
    concurrency: (config: AppConfig) => config.shub.workerConcurrency,
    // The job's row is the truth and counts attempts; an interrupted job is queued again.
    jobs: { [JobName.ShubAnalyze]: { attempts: 1, ...KEEP_FINISHED } },
  },
  [QueueName.Hormiguero]: {
    owner: 'hormiguero',
    // Ants of different kinds may scan at once; one ant never runs twice at once (joined).
    concurrency: 5,
    // A failed scan is counted and the ant's next interval scans again.
    jobs: {
      [JobName.HormigueroScan]: {
        attempts: 1,
        removeOnComplete: { count: 50 },
        removeOnFail: { count: 50 },
      },
    },
  },
  [QueueName.Plans]: {
    owner: 'madre',
    // Plans run one at a time: windows are one at a time too, and steps build on each other.
    concurrency: 1,
    // A plan may wait on a maintenance run or a spawner run: keep the job's lock meanwhile.
    lockDurationMs: 10 * 60_000,
    // The plan's rows are the truth: a lost job is queued again at boot (resume or interrupted).
    jobs: { [JobName.PlanRun]: { attempts: 1, ...KEEP_FINISHED } },
  },
} satisfies Record<QueueName, QueueSpec>;

/** Injection token for a catalog other than JOB_CATALOG (tests add queues of their own). */
export const JOB_CATALOG_SPECS = Symbol('JOB_CATALOG_SPECS');

/** Read access to the catalog: the queues, their workers' options and their jobs' options. */
@Injectable()
export class JobCatalog {
  private readonly specs: ReadonlyMap<string, QueueSpec>;

  constructor(
    @Optional()
    @Inject(JOB_CATALOG_SPECS)
    specs: Readonly<Record<string, QueueSpec>> = JOB_CATALOG,
  ) {
    this.specs = new Map(Object.entries(specs));
  }

  queues(): string[] {
    return [...this.specs.keys()];
  }

  queue(name: string): QueueSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`queue ${name} is not in the job catalog`);
    return spec;
  }

  /** `queue/job` for every job of every queue. */
  jobKeys(): string[] {
    return [...this.specs].flatMap(([queue, spec]) =>
      Object.keys(spec.jobs).map((job) => jobKey(queue, job)),
    );
  }

  job(queue: string, job: string): JobSpec {
    const spec = this.queue(queue).jobs[job];
    if (!spec) throw new Error(`job ${jobKey(queue, job)} is not in the job catalog`);
    return spec;
  }

  concurrency(queue: string, config: AppConfig): number {
    const { concurrency } = this.queue(queue);
    return typeof concurrency === 'function' ? concurrency(config) : concurrency;
  }
}

/** How a job is named in messages: its queue, then its name. */
export const jobKey = (queue: string, job: string) => `${queue}/${job}`;
