import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const PLAN_STATUSES = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'DONE',
  'ERROR',
  'CANCELLED',
  'EXPIRED',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const FINAL_PLAN_STATUSES: readonly PlanStatus[] = ['DONE', 'ERROR', 'CANCELLED', 'EXPIRED'];

export const RISKS = ['LOW', 'MED', 'HIGH'] as const;
export type Risk = (typeof RISKS)[number];

export const INTENT_TYPES = [
  'chat',
  'status',
  'open_window',
  'close_window',
  'maintenance',
  'spawn',
  'healthcheck',
  'free_text',
] as const;
export type IntentType = (typeof INTENT_TYPES)[number];

/** Who asked: the HTTP routes, or another module calling IntentService.submit. */
export type IntentSource = 'madre_api' | 'vx11_alias' | 'console' | 'hormiguero' | 'mcp' | string;

/** One plan made from an intent (CONTRACT §5): what was asked, its risk and where it stands. */
@Entity('madre_plans')
@Index('idx_madre_plans_created', ['created_at'])
@Index('idx_madre_plans_status_created', ['status', 'created_at'])
@Index('idx_madre_plans_correlation', ['correlation_id'])
export class PlanEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  correlation_id: string;

  @Column('text')
  intent_type: string;

  @Column('text', { nullable: true })
  text: string | null;

  @Column('simple-json', { nullable: true })
  payload: Record<string, unknown> | null;

  @Column('simple-json')
  require: string[];

  @Column('integer')
  priority: number;

  @Column('text')
  source: string;

  @Column('text')
  status: PlanStatus;

  @Column('text')
  risk: Risk;

  /** Who made the steps: the keyword parser, or a madre-tier provider (validated). */
  @Column('text')
  planner: 'keyword' | 'madre_llm';

  /** The words or steps that set the risk. */
  @Column('simple-json')
  risk_reasons: string[];

  @Column('text')
  explanation: string;

  /** What the keyword parser made of the text (domain, action, target), if there was text. */
  @Column('simple-json', { nullable: true })
  parsed: Record<string, unknown> | null;

  /** The id of the madre.decision.explained event for this plan. */
  @Column('text')
  decision_id: string;

  /** sha256 (hex) of the confirm token; null once used, or when none was needed. */
  @Column('text', { nullable: true })
  confirm_hash: string | null;

  @Column('text', { nullable: true })
  confirm_expires_at: string | null;

  @Column('text', { nullable: true })
  confirmed_at: string | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('text')
  created_at: string;

  @Column('text')
  updated_at: string;

  @Column('text', { nullable: true })
  started_at: string | null;

  @Column('text', { nullable: true })
  finished_at: string | null;
}
