import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { MODULE_NAMES } from '../../core/registry/module-catalog';
import { HealthHistoryStore } from '../madre/health/health-history.store';
import { HealthUptimeDto, ModuleUptimeDto } from './dto/health-uptime.dto';
import { BucketRow, denseBuckets, planBuckets, UptimeRange, uptimePct } from './health-uptime.math';

const DAY_MS = 24 * 3600 * 1000;
const round2 = (n: number | null) => (n === null ? null : Math.round(Number(n) * 100) / 100);

/**
 * Uptime and response time per module over 24 h / 7 d / 30 d, computed from the health monitor's
 * history (health_history). The database groups the checks into buckets and ranks latencies, so
 * a 30-day range never loads its rows into memory.
 */
@Injectable()
export class HealthUptimeService {
  constructor(
    private readonly config: AppConfig,
    private readonly history: HealthHistoryStore,
  ) {}

  async uptime(range: UptimeRange, nowMs = Date.now()): Promise<HealthUptimeDto> {
    const plan = planBuckets(range, nowMs);
    const [bucketRows, percentiles] = await Promise.all([
      this.history.bucketRows(plan),
      this.history.latencyPercentiles(plan),
    ]);
    const rowsByModule = new Map<string, BucketRow[]>();
    for (const row of bucketRows) {
      const rows = rowsByModule.get(row.module) ?? [];
      rows.push(row);
      rowsByModule.set(row.module, rows);
    }
    const latency = new Map(percentiles.map((p) => [p.module, p]));
    const modules: ModuleUptimeDto[] = MODULE_NAMES.map((module) => {
      const rows = rowsByModule.get(module) ?? [];
      const ok = rows.reduce((sum, r) => sum + Number(r.ok), 0);
      const failures = rows.reduce((sum, r) => sum + Number(r.fail), 0);
      return {
        module,
        uptime_pct: uptimePct(ok, ok + failures),
        samples: ok + failures,
        failures,
        latency_p50_ms: round2(latency.get(module)?.p50 ?? null),
        latency_p95_ms: round2(latency.get(module)?.p95 ?? null),
        buckets: denseBuckets(plan, rows),
      };
    });
    const historyDays = this.config.retentionDays.health_history;
    return {
      range,
      from: plan.from,
      to: plan.to,
      bucket_sec: plan.bucketSec,
      history_days: historyDays,
      retained_since: new Date(nowMs - historyDays * DAY_MS).toISOString(),
      modules,
    };
  }
}
