import {
  BulkJobOptions,
  Job,
  JobSchedulerTemplateOptions,
  JobScheduler,
  JobsOptions,
  Queue,
  QueueOptions,
  Repeat,
  RepeatOptions,
} from 'bullmq';
import { afterConnectionStarts } from './after-connection-starts';
import { JobCatalog } from './job-catalog';

/**
 * A BullMQ queue that takes only the job names the catalog lists for it, each with the
 * catalog's options (they win over the producer's: the retry and retention policy has one
 * source). A job the catalog does not list is refused before it reaches Redis, so no job can
 * wait for a handler that does not exist. A connection that failed to start fails the
 * scheduler calls too, instead of leaving them waiting (see afterConnectionStarts).
 */
export class CatalogQueue extends Queue {
  constructor(
    name: string,
    private readonly catalog: JobCatalog,
    opts: QueueOptions,
  ) {
    super(name, opts);
  }

  protected override async addJob(name: string, data: unknown, opts?: JobsOptions): Promise<Job> {
    return super.addJob(name, data, { ...opts, ...this.catalog.job(this.name, name) });
  }

  override async addBulk(
    jobs: Array<{ name: string; data: unknown; opts?: BulkJobOptions }>,
  ): Promise<Job[]> {
    const specs = jobs.map((job) => this.catalog.job(this.name, job.name));
    return super.addBulk(jobs.map((job, i) => ({ ...job, opts: { ...job.opts, ...specs[i] } })));
  }

  override async upsertJobScheduler(
    schedulerId: string,
    repeatOpts: Omit<RepeatOptions, 'key'>,
    template: { name: string; data?: unknown; opts?: JobSchedulerTemplateOptions },
  ): Promise<Job> {
    const spec = this.catalog.job(this.name, template.name);
    return super.upsertJobScheduler(schedulerId, repeatOpts, {
      ...template,
      opts: { ...template.opts, ...spec },
    });
  }

  override get jobScheduler(): Promise<JobScheduler> {
    return afterConnectionStarts(this.client, () => super.jobScheduler);
  }

  override get repeat(): Promise<Repeat> {
    return afterConnectionStarts(this.client, () => super.repeat);
  }
}
