import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AntRunEntity } from './ant-run.entity';
import type { AntName, Finding } from './finding';
import type { AntRun } from './hormiguero-scan.service';

/** Runs kept: the newest this many (all ants together). */
export const KEEP_RUNS = 2000;
/** The tail is trimmed once per this many inserts. */
const TRIM_EVERY = 100;

/** Hormiguero's ant runs in SQLite: a bounded tail, read back for the status after a restart. */
@Injectable()
export class AntRunStore {
  private inserts = 0;

  constructor(@InjectRepository(AntRunEntity) private readonly runs: Repository<AntRunEntity>) {}

  async record(run: AntRun): Promise<void> {
    await this.runs.insert({
      id: randomUUID(),
      ant: run.ant,
      trigger: run.trigger,
      started_at: run.started_at,
      finished_at: run.finished_at,
      duration_ms: run.duration_ms,
      ok: run.ok,
      error: run.error,
      findings: JSON.stringify(run.findings),
      incidents: JSON.stringify(run.incidents),
    });
    this.inserts += 1;
    if (this.inserts % TRIM_EVERY === 0) await this.trim();
  }

  /** The newest run of the ant, or undefined. */
  async latest(ant: AntName): Promise<AntRun | undefined> {
    const row = await this.runs.findOne({ where: { ant }, order: { started_at: 'DESC' } });
    if (!row) return undefined;
    return {
      ant: row.ant as AntName,
      trigger: row.trigger as AntRun['trigger'],
      started_at: row.started_at,
      finished_at: row.finished_at,
      duration_ms: row.duration_ms,
      ok: Boolean(row.ok),
      error: row.error,
      findings: JSON.parse(row.findings) as Finding[],
      incidents: JSON.parse(row.incidents) as AntRun['incidents'],
    };
  }

  /** Deletes all but the newest KEEP_RUNS runs. */
  async trim(): Promise<number> {
    const cutoff = await this.runs.find({
      select: { started_at: true },
      order: { started_at: 'DESC' },
      skip: KEEP_RUNS - 1,
      take: 1,
    });
    if (cutoff.length === 0) return 0;
    const { affected } = await this.runs
      .createQueryBuilder()
      .delete()
      .where('started_at < :cutoff', { cutoff: cutoff[0].started_at })
      .execute();
    return affected ?? 0;
  }
}
