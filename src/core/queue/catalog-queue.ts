import {
  BulkJobOptions,
  Job,
  JobSchedulerTemplateOptions,
  JobsOptions,
  Queue,
  QueueOptions,
  RepeatOptions,
} from 'bullmq';
import { JobCatalog } from './job-catalog';

/**
 * A BullMQ queue that takes only the job names the catalog lists for it, each with the
 * catalog's options (they win over the producer's: the retry and retention policy has one
 * source). A job the catalog does not list is refused before it reaches Redis, so no job can
 * wait for a handler that does not exist.
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
}
