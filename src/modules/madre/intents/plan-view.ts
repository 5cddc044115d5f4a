import type { PlanStepEntity } from './plan-step.entity';
import type { PlanEntity } from './plan.entity';

export interface StepView {
  step_id: string;
  seq: number;
  type: PlanStepEntity['type'];
  params: Record<string, unknown>;
  cleanup: boolean;
  status: PlanStepEntity['status'];
  output: Record<string, unknown> | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface PlanView {
  plan_id: string;
  correlation_id: string;
  intent_type: string;
  text: string | null;
  source: string;
  priority: number;
  require: string[];
  status: PlanEntity['status'];
  risk: PlanEntity['risk'];
  planner: PlanEntity['planner'];
  risk_reasons: string[];
  explanation: string;
  decision_id: string;
  parsed: Record<string, unknown> | null;
  confirm_expires_at: string | null;
  confirmed_at: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  steps: StepView[];
}

/** A plan as the API shows it: never the confirm token or its hash. */
export function viewOfPlan(plan: PlanEntity, steps: PlanStepEntity[]): PlanView {
  return {
    plan_id: plan.id,
    correlation_id: plan.correlation_id,
    intent_type: plan.intent_type,
    text: plan.text,
    source: plan.source,
    priority: plan.priority,
    require: plan.require,
    status: plan.status,
    risk: plan.risk,
    planner: plan.planner,
    risk_reasons: plan.risk_reasons,
    explanation: plan.explanation,
    decision_id: plan.decision_id,
    parsed: plan.parsed,
    confirm_expires_at: plan.confirm_expires_at,
    confirmed_at: plan.confirmed_at,
    error: plan.error,
    created_at: plan.created_at,
    updated_at: plan.updated_at,
    started_at: plan.started_at,
    finished_at: plan.finished_at,
    steps: [...steps]
      .sort((a, b) => a.seq - b.seq)
      .map((s) => ({
        step_id: s.id,
        seq: s.seq,
        type: s.type,
        params: s.params,
        cleanup: s.cleanup,
        status: s.status,
        output: s.output,
        error: s.error,
        started_at: s.started_at,
        finished_at: s.finished_at,
        duration_ms: s.duration_ms,
      })),
  };
}
