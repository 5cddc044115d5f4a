import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const STEP_TYPES = [
  'SYSTEM_HEALTHCHECK',
  'CALL_SWITCH',
  'OPEN_WINDOW',
  'CLOSE_WINDOW',
  'RUN_MAINTENANCE',
  'SPAWNER_REQUEST',
  'NOOP',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const STEP_STATUSES = ['PENDING', 'RUNNING', 'DONE', 'ERROR', 'SKIPPED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** One typed step of a plan, with what it did: status, timing, output and error. */
@Entity('madre_plan_steps')
@Index('idx_madre_plan_steps_plan', ['plan_id', 'seq'])
export class PlanStepEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  plan_id: string;

  @Column('integer')
  seq: number;

  @Column('text')
  type: StepType;

  @Column('simple-json')
  params: Record<string, unknown>;

  /** A cleanup step (closing a window the plan opened) runs even after a failed step. */
  @Column('boolean')
  cleanup: boolean;

  @Column('text')
  status: StepStatus;

  @Column('simple-json', { nullable: true })
  output: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('text', { nullable: true })
  started_at: string | null;

  @Column('text', { nullable: true })
  finished_at: string | null;

  @Column('integer', { nullable: true })
  duration_ms: number | null;
}
