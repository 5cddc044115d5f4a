import { Injectable } from '@nestjs/common';
import { StepContext, StepRunner } from './step-runner';

/** NOOP: records its note (what madre deliberately does not do, and why). */
@Injectable()
export class NoopStep implements StepRunner {
  readonly type = 'NOOP' as const;

  async run({ step }: StepContext) {
    return { note: typeof step.params.note === 'string' ? step.params.note : null };
  }
}
