import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STEP_STATUSES, STEP_TYPES, StepStatus, StepType } from '../plan-step.entity';
import { PLAN_STATUSES, PlanStatus, RISKS, Risk } from '../plan.entity';

export class PlanStepDto {
  @ApiProperty({ format: 'uuid' })
  step_id: string;

  @ApiProperty({ type: 'integer' })
  seq: number;

  @ApiProperty({ enum: STEP_TYPES })
  type: StepType;

  @ApiProperty({ type: 'object', additionalProperties: true })
  params: Record<string, unknown>;

  @ApiProperty({ description: 'Runs even after a failed step (closing a window the plan opened)' })
  cleanup: boolean;

  @ApiProperty({ enum: STEP_STATUSES })
  status: StepStatus;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  output: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  duration_ms: number | null;
}

export class PlanDto {
  @ApiProperty({ format: 'uuid' })
  plan_id: string;

  @ApiProperty()
  correlation_id: string;

  @ApiProperty({ example: 'status' })
  intent_type: string;

  @ApiProperty({ type: String, nullable: true })
  text: string | null;

  @ApiProperty({ description: 'Who asked: madre_api, vx11_alias, console, hormiguero, mcp, ...' })
  source: string;

  @ApiProperty({ type: 'integer' })
  priority: number;

  @ApiProperty({ type: [String] })
  require: string[];

  @ApiProperty({ enum: PLAN_STATUSES })
  status: PlanStatus;

  @ApiProperty({ enum: RISKS })
  risk: Risk;

  @ApiProperty({
    enum: ['keyword', 'madre_llm'],
    description: 'Who made the steps: the keyword parser or a madre-tier provider (validated)',
  })
  planner: 'keyword' | 'madre_llm';

  @ApiProperty({ type: [String] })
  risk_reasons: string[];

  @ApiProperty()
  explanation: string;

  @ApiProperty({ format: 'uuid', description: 'decision_id of the madre.decision.explained event' })
  decision_id: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  parsed: Record<string, unknown> | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  confirm_expires_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  confirmed_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at: string | null;

  @ApiProperty({ type: [PlanStepDto] })
  steps: PlanStepDto[];
}

export class SubmittedPlanDto extends PlanDto {
  @ApiPropertyOptional({
    description: 'MED/HIGH only: returned once, stored only as its sha256, single-use, expiring',
  })
  confirm_token?: string;
}

export class PlanListDto {
  @ApiProperty({ type: [PlanDto] })
  plans: PlanDto[];

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  next_before: string | null;
}
