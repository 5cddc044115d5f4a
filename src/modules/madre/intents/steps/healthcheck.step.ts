import { Injectable } from '@nestjs/common';
import { HealthMonitor } from '../../health/health-monitor.service';
import { StepRunner } from './step-runner';

/** SYSTEM_HEALTHCHECK: one health-monitor cycle (joins one in progress); its real results. */
@Injectable()
export class HealthcheckStep implements StepRunner {
  readonly type = 'SYSTEM_HEALTHCHECK' as const;

  constructor(private readonly monitor: HealthMonitor) {}

  async run() {
    const report = await this.monitor.runCycle('manual');
    return {
      passed: report.passed,
      total: report.total,
      failing: report.failing,
      started_at: report.started_at,
      finished_at: report.finished_at,
      results: report.results.map((r) => ({
        module: r.module,
        ok: r.ok,
        detail: r.detail,
        latency_ms: r.latency_ms,
      })),
    };
  }
}
