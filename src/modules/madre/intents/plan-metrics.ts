import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../../core/metrics/metrics.service';

/** Plans by how they ended and steps by outcome. */
@Injectable()
export class PlanMetrics {
  private readonly plans: Counter<'status' | 'risk'>;
  private readonly steps: Counter<'type' | 'status'>;

  constructor(metrics: MetricsService) {
    this.plans = new Counter({
      name: 'vx11_plans_finished_total',
      help: 'Madre plans that ended, by final status and risk',
      labelNames: ['status', 'risk'],
      registers: [metrics.registry],
    });
    this.steps = new Counter({
      name: 'vx11_plan_steps_total',
      help: 'Plan steps run, by step type and outcome (DONE or ERROR)',
      labelNames: ['type', 'status'],
      registers: [metrics.registry],
    });
  }

  planFinished(status: string, risk: string): void {
    this.plans.inc({ status, risk });
  }

  stepFinished(type: string, status: string): void {
    this.steps.inc({ type, status });
  }
}
