import { Injectable } from '@nestjs/common';
import { WindowService } from '../../power/window.service';
import { planWindowReason } from '../step-spec';
import { StepContext, StepRunner } from './step-runner';

/**
 * CLOSE_WINDOW: a wake step closes the window its plan opened, if it is still open (a window
 * someone else opened is left alone); an explicit one closes the open window (404 if none).
 */
const sameServices = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) && a.join(',') === b.join(',');

@Injectable()
export class CloseWindowStep implements StepRunner {
  readonly type = 'CLOSE_WINDOW' as const;

  constructor(private readonly windows: WindowService) {}

  async run({ plan, step, steps }: StepContext) {
    const note = `plan ${plan.id}`;
    if (step.params.wake !== true) {
      const closed = await this.windows.close(undefined, 'manual_close', note);
      return { closed: true, ...closed };
    }
    const current = this.windows.current();
    const ours = steps
      .filter(
        (s) =>
          s.type === 'OPEN_WINDOW' &&
          s.seq < step.seq &&
          sameServices(s.params.services, step.params.services),
      )
      .find(
        (s) =>
          (s.output?.opened === true && s.output.window_id === current?.id) ||
          current?.reason === planWindowReason(plan.id, s.seq),
      );
    if (!current || !ours) {
      return { closed: false, note: 'no window of this plan is open' };
    }
    const closed = await this.windows.close(current.id, 'manual_close', note);
    return { closed: true, ...closed };
  }
}
