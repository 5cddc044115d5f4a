import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';
import { FINDING_SEVERITIES, Finding } from './finding';

/** Scans by ant and outcome, current findings by ant and severity, scan time, actions. */
@Injectable()
export class HormigueroMetrics {
  private readonly scans: Counter<'ant' | 'trigger' | 'outcome'>;
  private readonly findings: Gauge<'ant' | 'severity'>;
  private readonly duration: Histogram<'ant'>;
  private readonly actions: Counter<'action' | 'outcome'>;
  private readonly incidents: Counter<'ant' | 'change'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.scans = new Counter({
      name: 'vx11_hormiguero_scans_total',
      help: 'Ant scans, by ant, trigger (queue, local, manual) and outcome (ok, error)',
      labelNames: ['ant', 'trigger', 'outcome'],
      registers,
    });
    this.findings = new Gauge({
      name: 'vx11_hormiguero_findings',
      help: "Findings of each ant's latest scan, by severity",
      labelNames: ['ant', 'severity'],
      registers,
    });
    this.duration = new Histogram({
      name: 'vx11_hormiguero_scan_duration_seconds',
      help: 'Wall time of one ant scan',
      labelNames: ['ant'],
      buckets: [0.005, 0.025, 0.1, 0.5, 2, 10, 60],
      registers,
    });
    this.actions = new Counter({
      name: 'vx11_hormiguero_actions_total',
      help: 'Hormiguero actions previewed and applied, by action and outcome',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.incidents = new Counter({
      name: 'vx11_hormiguero_incident_changes_total',
      help: 'Incidents hormiguero opened or resolved, by ant',
      labelNames: ['ant', 'change'],
      registers,
    });
  }

  scanned(ant: string, trigger: string, seconds: number, findings: Finding[] | null): void {
    this.scans.inc({ ant, trigger, outcome: findings ? 'ok' : 'error' });
    this.duration.observe({ ant }, seconds);
    if (!findings) return;
    for (const severity of FINDING_SEVERITIES) {
      this.findings.set({ ant, severity }, findings.filter((f) => f.severity === severity).length);
    }
  }

  action(action: string, outcome: 'previewed' | 'applied' | 'failed' | 'refused'): void {
    this.actions.inc({ action, outcome });
  }

  incident(ant: string, change: 'opened' | 'resolved'): void {
    this.incidents.inc({ ant, change });
  }
}
