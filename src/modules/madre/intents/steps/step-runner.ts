import type { PlanStepEntity, StepType } from '../plan-step.entity';
import type { PlanEntity } from '../plan.entity';

/** What a step runner gets: its plan, its own row and every step of the plan (in order). */
export interface StepContext {
  plan: PlanEntity;
  step: PlanStepEntity;
  steps: readonly PlanStepEntity[];
}

/** Runs one step type; what it returns is the step's output, a throw is the step's error. */
export interface StepRunner {
  readonly type: StepType;
  run(ctx: StepContext): Promise<Record<string, unknown>>;
}

/** A step that could not do its job, with what it found out on the way (kept as its output). */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly output: Record<string, unknown> | null = null,
    readonly code = 'step_failed',
  ) {
    super(message);
  }
}
