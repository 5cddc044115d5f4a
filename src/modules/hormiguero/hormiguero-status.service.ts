import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { HealthMonitor } from '../madre/health/health-monitor.service';
import { FileDriftService } from './file-drift.service';
import { HORMIGUERO_ANTS, SEVERITY_RANK } from './finding';
import { HormigueroScanService } from './hormiguero-scan.service';
import { HormigueroQueen } from './queen';

/** GET /hormiguero/status: the queen, each ant's schedule and last run, the baseline. */
@Injectable()
export class HormigueroStatusService {
  constructor(
    private readonly config: AppConfig,
    private readonly queen: HormigueroQueen,
    private readonly scanner: HormigueroScanService,
    private readonly drift: FileDriftService,
    private readonly monitor: HealthMonitor,
  ) {}

  async status() {
    const scheduled = new Map(this.queen.schedule().map((s) => [s.ant, s]));
    const configured = new Set(this.scanner.scheduledAnts());
    const ants = HORMIGUERO_ANTS.map((ant) => {
      const s = scheduled.get(ant);
      return {
        ant,
        scheduled: configured.has(ant),
        interval_sec: this.scanner.intervalMs(ant) / 1000,
        effective_interval_sec: s ? s.interval_ms / 1000 : null,
        queued: s?.queued ?? false,
        last_run: this.scanner.lastRun(ant) ?? null,
      };
    });
    const lastFindings = ants
      .flatMap((a) => a.last_run?.findings ?? [])
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    return {
      module: 'hormiguero' as const,
      scheduler_running: this.queen.isRunning,
      interval_sec: this.config.hormiguero.scanIntervalSec,
      scans: this.scanner.scanCount,
      ants,
      last_findings: lastFindings,
      baseline: await this.drift.baselineInfo(),
      // the health monitor's last check: a view never runs the check itself
      health: this.monitor.lastCheck('hormiguero') ?? null,
    };
  }
}
