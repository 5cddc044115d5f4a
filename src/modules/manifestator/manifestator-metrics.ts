import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import type { DriftReport } from './drift';
import type { GateReport } from './gates/gate';
import type { ScoreSummary } from '../madre/maintenance/scorecard';

const GATE_VALUE = { ok: 1, failed: 0, skipped: -1 } as const;

/** Drift items, each gate's last verdict, the last scores, and how many rails runs. */
@Injectable()
export class ManifestatorMetrics {
  private readonly driftItems: Gauge<'kind'>;
  private readonly gates: Gauge<'gate'>;
  private readonly scores: Gauge<'category'>;
  private readonly railsRuns: Counter<'result'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.driftItems = new Gauge({
      name: 'vx11_manifestator_drift_items',
      help: 'Drift items at the last check, by kind (routes, modules, events, files)',
      labelNames: ['kind'],
      registers,
    });
    this.gates = new Gauge({
      name: 'vx11_manifestator_gate_status',
      help: 'Last verdict of each rail: 1 ok, 0 failed, -1 skipped',
      labelNames: ['gate'],
      registers,
    });
    this.scores = new Gauge({
      name: 'vx11_manifestator_score_pct',
      help: 'Last scorecard percentage by category (global: the weighted score)',
      labelNames: ['category'],
      registers,
    });
    this.railsRuns = new Counter({
      name: 'vx11_manifestator_rails_runs_total',
      help: 'Rails evaluations, by result (pass: no gate failed)',
      labelNames: ['result'],
      registers,
    });
    this.railsRuns.inc({ result: 'pass' }, 0);
    this.railsRuns.inc({ result: 'fail' }, 0);
  }

  drift(report: DriftReport): void {
    const files = report.files.available
      ? report.files.added.length + report.files.removed.length + report.files.changed.length
      : 0;
    this.driftItems.set(
      { kind: 'routes' },
      report.missing_routes.length + report.extra_routes.length,
    );
    this.driftItems.set(
      { kind: 'modules' },
      report.modules.missing.length +
        report.modules.extra.length +
        report.modules.category_mismatch.length,
    );
    this.driftItems.set(
      { kind: 'events' },
      report.events.missing_canonical.length +
        report.events.extra_canonical.length +
        report.events.field_mismatch.length,
    );
    this.driftItems.set({ kind: 'files' }, files);
  }

  rails(gates: readonly GateReport[]): void {
    for (const g of gates) this.gates.set({ gate: g.name }, GATE_VALUE[g.status]);
    this.railsRuns.inc({ result: gates.some((g) => g.status === 'failed') ? 'fail' : 'pass' });
  }

  score(summary: ScoreSummary): void {
    for (const [name, c] of Object.entries(summary.categories)) {
      if (c.pct !== null) this.scores.set({ category: name }, c.pct);
    }
    if (summary.global_pct !== null) this.scores.set({ category: 'global' }, summary.global_pct);
  }
}
