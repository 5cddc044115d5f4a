import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../../core/config/app-config';
import { MaintenanceService } from '../../maintenance/maintenance.service';
import { StepContext, StepFailed, StepRunner } from './step-runner';

/** RUN_MAINTENANCE: a maintenance run on its queue (or joined, when one covers it); its report. */
@Injectable()
export class RunMaintenanceStep implements StepRunner {
  readonly type = 'RUN_MAINTENANCE' as const;

  constructor(
    private readonly maintenance: MaintenanceService,
    private readonly config: AppConfig,
  ) {}

  async run({ plan, step }: StepContext) {
    const { run, reused } = await this.maintenance.submit({
      applyRetention: step.params.apply_retention === true,
      reason: `madre plan ${plan.id}`,
      source: 'api',
    });
    const done = await this.maintenance.waitFor(run.id, this.config.intents.stepTimeoutMs);
    if (!done) {
      throw new StepFailed(
        `maintenance run ${run.id} still going after ${this.config.intents.stepTimeoutMs} ms`,
        {
          job_id: run.id,
        },
      );
    }
    const view = this.maintenance.view(done);
    const output = {
      job_id: view.job_id,
      status: view.status,
      returncode: view.returncode,
      reused,
      duration_ms: view.duration_ms,
      report: view.report,
    };
    if (done.status !== 'ok') {
      throw new StepFailed(
        `maintenance run ${run.id} failed: ${done.error ?? `returncode ${done.returncode}`}`,
        output,
      );
    }
    return output;
  }
}
