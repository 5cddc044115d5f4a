import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { StepRunners } from '../madre/intents/steps/step-runners';
import { SpawnerService, StartRunRequest } from './spawner.service';
import { StepContext, StepFailed, StepRunner } from '../madre/intents/steps/step-runner';

/** Past the run's own TTL, how long the step waits for it to be recorded as ended. */
const END_SLACK_MS = 10_000;

/**
 * SPAWNER_REQUEST: a spawner run (allowlisted program, argv only) waited for to its end. The
 * spawner provides this step to madre's plans (madre never imports an optional module).
 */
@Injectable()
export class SpawnerRequestStep implements StepRunner, OnModuleInit {
  readonly type = 'SPAWNER_REQUEST' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly spawner: SpawnerService,
    private readonly runners: StepRunners,
  ) {}

  onModuleInit(): void {
    this.runners.register(this);
  }

  async run({ plan, step }: StepContext) {
    const p = step.params;
    const request: StartRunRequest = {
      program: String(p.program),
      ...(Array.isArray(p.args) ? { args: p.args.map(String) } : {}),
      ...(typeof p.ttl_sec === 'number' ? { ttl_sec: p.ttl_sec } : {}),
      ...(typeof p.cwd === 'string' ? { cwd: p.cwd } : {}),
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      ...(typeof p.stdin === 'string' ? { stdin: p.stdin } : {}),
    };
    const started = await this.spawner.startRun(request, plan.correlation_id, 'intent');
    const waitMs = Math.min(
      started.ttl_sec * 1000 + END_SLACK_MS,
      this.config.intents.stepTimeoutMs,
    );
    const run = await this.spawner.waitForEnd(started.run_id, waitMs);
    const output = {
      run_id: run.run_id,
      program: run.program,
      status: run.status,
      exit_code: run.exit_code,
      duration_ms: run.duration_ms,
      stdout: run.stdout?.slice(0, 4096) ?? null,
      stderr: run.stderr?.slice(0, 4096) ?? null,
    };
    if (run.status !== 'completed') {
      throw new StepFailed(
        `spawner run ${run.run_id} ended ${run.status}${run.error ? `: ${run.error}` : ''}`,
        output,
      );
    }
    return output;
  }
}
