import type { StepType } from './plan-step.entity';

/** A planned step before it is stored: its type, its parameters and whether it is cleanup. */
export interface PlannedStep {
  type: StepType;
  params: Record<string, unknown>;
  cleanup?: boolean;
}

/** Steps whose re-run after a crash does no harm: a plan resumes at them. */
export const IDEMPOTENT_STEPS: readonly StepType[] = [
  'SYSTEM_HEALTHCHECK',
  'OPEN_WINDOW',
  'CLOSE_WINDOW',
  'NOOP',
];

export const isIdempotent = (type: StepType) => IDEMPOTENT_STEPS.includes(type);

/** The window reason a plan's OPEN_WINDOW step uses, so a re-run can find its own window. */
export const planWindowReason = (planId: string, seq: number) => `plan ${planId} step ${seq}`;
