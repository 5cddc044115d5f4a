import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Processor, UnrecoverableError } from 'bullmq';
import { JobCatalog, jobKey } from './job-catalog';
import { JobName, QueueName } from './queue-names';

/** Works one job; what it returns is the job's result. */
export type JobHandler<T = unknown> = (job: Job<T>, signal?: AbortSignal) => unknown;

/**
 * The handler of each catalogued job. Modules register theirs from onModuleInit; at bootstrap
 * (core's hooks run before any module's, so before a worker starts) every catalogued job must
 * have exactly one handler and every handler a catalogued job, or the boot fails naming them.
 * A worker then runs, for each job, the handler of the job's name.
 */
@Injectable()
export class JobHandlers implements OnApplicationBootstrap {
  private readonly handlers = new Map<string, JobHandler[]>();
  private checked = false;

  constructor(private readonly catalog: JobCatalog) {}

  register<T>(queue: QueueName, job: JobName, handler: JobHandler<T>): void {
    const key = jobKey(queue, job);
    if (this.checked) throw new Error(`handler for job ${key} registered after boot`);
    this.handlers.set(key, [...(this.handlers.get(key) ?? []), handler as JobHandler]);
  }

  onApplicationBootstrap(): void {
    this.check();
  }

  /** Throws, naming each job without exactly one handler and each handler without a job. */
  check(): void {
    const catalogued = new Set(this.catalog.jobKeys());
    const problems: string[] = [];
    for (const key of catalogued) {
      const count = this.handlers.get(key)?.length ?? 0;
      if (count === 0) problems.push(`job ${key} has no handler`);
      if (count > 1) problems.push(`job ${key} has ${count} handlers`);
    }
    for (const key of this.handlers.keys()) {
      if (!catalogued.has(key)) problems.push(`job ${key} has a handler but is not catalogued`);
    }
    if (problems.length > 0) {
      throw new Error(
        `Job handlers do not match the job catalog (src/core/queue/job-catalog.ts): ${problems.join('; ')}`,
      );
    }
    this.checked = true;
  }

  /** A worker's processor for the queue: dispatches each job to its name's handler. */
  processor(queue: QueueName): Processor {
    if (!this.checked) throw new Error(`worker of queue ${queue} started before the handler check`);
    const byName = new Map(
      Object.keys(this.catalog.queue(queue).jobs).map((job) => [
        job,
        this.handlers.get(jobKey(queue, job))![0],
      ]),
    );
    return async (job, _token, signal) => {
      const handler = byName.get(job.name);
      // Only a producer bypassing the catalog gets here; retrying cannot help.
      if (!handler) throw new UnrecoverableError(`no handler for job ${jobKey(queue, job.name)}`);
      return handler(job, signal);
    };
  }
}
