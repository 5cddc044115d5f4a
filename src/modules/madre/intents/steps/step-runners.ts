import { Injectable } from '@nestjs/common';
import type { StepType } from '../plan-step.entity';
import type { StepRunner } from './step-runner';

/**
 * The runners plans use, by step type. Madre registers its own; an optional module registers the
 * steps it provides (the spawner's SPAWNER_REQUEST), so madre never imports an optional module.
 */
@Injectable()
export class StepRunners {
  private readonly byType = new Map<StepType, StepRunner>();

  register(runner: StepRunner): void {
    if (this.byType.has(runner.type)) {
      throw new Error(`step ${runner.type} already has a runner`);
    }
    this.byType.set(runner.type, runner);
  }

  get(type: StepType): StepRunner | undefined {
    return this.byType.get(type);
  }
}
