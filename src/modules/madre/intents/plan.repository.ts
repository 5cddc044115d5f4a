import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, LessThan, LessThanOrEqual, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { PlanStepEntity } from './plan-step.entity';
import { PlanEntity, PlanStatus } from './plan.entity';

// JSON columns hold Record<string, unknown>, which TypeORM's deep-partial type cannot express.
const planRow = (p: Partial<PlanEntity>) => p as QueryDeepPartialEntity<PlanEntity>;
const stepRow = (p: Partial<PlanStepEntity>) => p as QueryDeepPartialEntity<PlanStepEntity>;

export interface PlanPageQuery {
  status?: PlanStatus;
  limit: number;
  before?: string;
}

/** The one way to the madre_plans and madre_plan_steps tables. */
@Injectable()
export class PlanRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(PlanEntity) private readonly plans: Repository<PlanEntity>,
    @InjectRepository(PlanStepEntity) private readonly steps: Repository<PlanStepEntity>,
  ) {}

  /** A plan and its steps, stored together or not at all. */
  async create(plan: PlanEntity, steps: PlanStepEntity[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.getRepository(PlanEntity).insert(planRow(plan));
      if (steps.length > 0) await tx.getRepository(PlanStepEntity).insert(steps.map(stepRow));
    });
  }

  get(id: string): Promise<PlanEntity | null> {
    return this.plans.findOneBy({ id });
  }

  stepsOf(planId: string): Promise<PlanStepEntity[]> {
    return this.steps.find({ where: { plan_id: planId }, order: { seq: 'ASC' } });
  }

  /** Steps of several plans at once, grouped by plan id (for list views). */
  async stepsOfMany(planIds: string[]): Promise<Map<string, PlanStepEntity[]>> {
    const grouped = new Map<string, PlanStepEntity[]>(planIds.map((id) => [id, []]));
    if (planIds.length === 0) return grouped;
    const rows = await this.steps.find({
      where: { plan_id: In(planIds) },
      order: { plan_id: 'ASC', seq: 'ASC' },
    });
    for (const row of rows) grouped.get(row.plan_id)?.push(row);
    return grouped;
  }

  /** The newest plan with this correlation id. */
  byCorrelation(correlationId: string): Promise<PlanEntity | null> {
    return this.plans.findOne({
      where: { correlation_id: correlationId },
      order: { created_at: 'DESC' },
    });
  }

  page(query: PlanPageQuery): Promise<PlanEntity[]> {
    return this.plans.find({
      where: {
        ...(query.status ? { status: query.status } : {}),
        ...(query.before ? { created_at: LessThan(query.before) } : {}),
      },
      order: { created_at: 'DESC', id: 'DESC' },
      take: query.limit,
    });
  }

  withStatus(statuses: PlanStatus[]): Promise<PlanEntity[]> {
    return this.plans.find({ where: { status: In(statuses) }, order: { created_at: 'ASC' } });
  }

  async update(id: string, patch: Partial<PlanEntity>): Promise<void> {
    await this.plans.update(id, planRow({ ...patch, updated_at: new Date().toISOString() }));
  }

  /** Changes the plan only if it is still in `from`: true when it did (a compare-and-set). */
  async transition(id: string, from: PlanStatus[], patch: Partial<PlanEntity>): Promise<boolean> {
    const result = await this.plans.update(
      { id, status: In(from) },
      planRow({ ...patch, updated_at: new Date().toISOString() }),
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Spends a confirm token: the plan goes WAITING → PENDING only if the hash matches and has
   * not expired, in one statement, so a token works once even under concurrent confirms.
   */
  async spendToken(id: string, hash: string, now: string): Promise<boolean> {
    const result = await this.plans
      .createQueryBuilder()
      .update()
      .set({ status: 'PENDING', confirm_hash: null, confirmed_at: now, updated_at: now })
      .where(
        'id = :id AND status = :status AND confirm_hash = :hash AND confirm_expires_at > :now',
        {
          id,
          status: 'WAITING',
          hash,
          now,
        },
      )
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** WAITING plans whose token expired: EXPIRED. Returns those it changed. */
  async expireDue(now: string): Promise<Array<{ id: string; risk: PlanEntity['risk'] }>> {
    const due = await this.plans.find({
      select: { id: true, risk: true },
      where: { status: 'WAITING', confirm_expires_at: LessThanOrEqual(now) },
    });
    const expired: Array<{ id: string; risk: PlanEntity['risk'] }> = [];
    for (const { id, risk } of due) {
      const changed = await this.transition(id, ['WAITING'], {
        status: 'EXPIRED',
        confirm_hash: null,
        finished_at: now,
        error: 'confirm token expired',
      });
      if (changed) expired.push({ id, risk });
    }
    if (expired.length > 0) {
      await this.steps.update(
        { plan_id: In(expired.map((e) => e.id)), status: 'PENDING' },
        { status: 'SKIPPED' },
      );
    }
    return expired;
  }

  async updateStep(id: string, patch: Partial<PlanStepEntity>): Promise<void> {
    await this.steps.update(id, stepRow(patch));
  }

  async skipPending(planId: string): Promise<void> {
    await this.steps.update({ plan_id: planId, status: 'PENDING' }, { status: 'SKIPPED' });
  }
}
