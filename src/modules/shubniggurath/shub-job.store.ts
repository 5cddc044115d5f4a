import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, Repository } from 'typeorm';
import { JobStatus, ShubJobEntity } from './shub-job.entity';

export interface JobPage {
  rows: ShubJobEntity[];
  total: number;
}

/** Every read and write of the shub_jobs table. */
@Injectable()
export class ShubJobStore {
  constructor(@InjectRepository(ShubJobEntity) private readonly jobs: Repository<ShubJobEntity>) {}

  async insert(rows: ShubJobEntity[]): Promise<void> {
    await this.jobs.insert(rows);
  }

  find(id: string): Promise<ShubJobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  async update(id: string, patch: Partial<ShubJobEntity>): Promise<void> {
    await this.jobs.update(id, patch);
  }

  /**
   * Moves a job to `patch.status` only while it is in one of `from` — the one place two
   * parties (the worker picking a job up, a cancel) can race, settled by the database.
   */
  async transition(id: string, from: JobStatus[], patch: Partial<ShubJobEntity>): Promise<boolean> {
    const result = await this.jobs.update({ id, status: In(from) }, patch);
    return (result.affected ?? 0) > 0;
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.jobs.delete({ id: In(ids) });
  }

  /** Newest first, optionally one status or one batch. */
  async page(
    filter: { status?: JobStatus; batch_id?: string },
    limit: number,
    offset: number,
  ): Promise<JobPage> {
    const where: FindOptionsWhere<ShubJobEntity> = {};
    if (filter.status) where.status = filter.status;
    if (filter.batch_id) where.batch_id = filter.batch_id;
    const [rows, total] = await this.jobs.findAndCount({
      where,
      order: { created_at: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { rows, total };
  }

  /** Jobs not yet ended: queued, or left processing by a process that stopped. */
  unfinished(): Promise<ShubJobEntity[]> {
    return this.jobs.findBy({ status: In(['queued', 'processing']) });
  }

  async countByStatus(): Promise<Partial<Record<JobStatus, number>>> {
    const rows = await this.jobs
      .createQueryBuilder('job')
      .select('job.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('job.status')
      .getRawMany<{ status: JobStatus; count: number }>();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }
}
