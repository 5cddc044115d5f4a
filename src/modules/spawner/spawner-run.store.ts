import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { RunStatus, SpawnerRunEntity } from './spawner-run.entity';

export interface RunPage {
  rows: SpawnerRunEntity[];
  total: number;
}

/** Every read and write of the spawner_runs table. */
@Injectable()
export class SpawnerRunStore {
  constructor(
    @InjectRepository(SpawnerRunEntity) private readonly runs: Repository<SpawnerRunEntity>,
  ) {}

  async insert(row: SpawnerRunEntity): Promise<void> {
    await this.runs.insert(row);
  }

  async update(id: string, patch: Partial<SpawnerRunEntity>): Promise<void> {
    await this.runs.update(id, patch);
  }

  find(id: string): Promise<SpawnerRunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  /** Newest first; the list leaves the output out (GET /spawner/runs/:id has it). */
  async page(status: RunStatus | undefined, limit: number, offset: number): Promise<RunPage> {
    const [rows, total] = await this.runs.findAndCount({
      select: this.columnsWithoutOutput(),
      where: status ? { status } : {},
      order: { created_at: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { rows, total };
  }

  private columnsWithoutOutput(): Array<keyof SpawnerRunEntity> {
    return this.runs.metadata.columns
      .map((c) => c.propertyName as keyof SpawnerRunEntity)
      .filter((name) => name !== 'stdout' && name !== 'stderr');
  }

  /** Runs a previous process left pending or running. */
  unfinished(): Promise<SpawnerRunEntity[]> {
    return this.runs.findBy({ status: In(['pending', 'running']) });
  }
}
