import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { MODULE_NAMES } from '../../core/registry/module-catalog';
import { HealthHistoryEntity } from '../madre/health/health-history.entity';
import { HealthUptimeDto, ModuleUptimeDto } from './dto/health-uptime.dto';
import {
  BucketPlan,
  BucketRow,
  denseBuckets,
  planBuckets,
  UptimeRange,
  uptimePct,
} from './health-uptime.math';

interface ModuleBucketRow extends BucketRow {
  module: string;
}

interface PercentileRow {
  module: string;
  p50: number | null;
  p95: number | null;
}

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
    @InjectRepository(HealthHistoryEntity)
    private readonly history: Repository<HealthHistoryEntity>,
  ) {}

  async uptime(range: UptimeRange, nowMs = Date.now()): Promise<HealthUptimeDto> {
    const plan = planBuckets(range, nowMs);
    const [bucketRows, percentiles] = await Promise.all([
      this.bucketRows(plan),
      this.percentiles(plan),
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

  /** Per module and bucket: successful and failed checks, mean latency of the successful ones. */
  private bucketRows(plan: BucketPlan): Promise<ModuleBucketRow[]> {
    return this.history
      .createQueryBuilder('h')
      .select('h.module', 'module')
      .addSelect("(CAST(strftime('%s', h.checked_at) AS INTEGER) - :first) / :bucketSec", 'bucket')
      .addSelect('SUM(CASE WHEN h.ok THEN 1 ELSE 0 END)', 'ok')
      .addSelect('SUM(CASE WHEN h.ok THEN 0 ELSE 1 END)', 'fail')
      .addSelect('AVG(CASE WHEN h.ok THEN h.latency_ms END)', 'avg_latency_ms')
      .where('h.checked_at >= :from AND h.checked_at <= :to')
      .groupBy('h.module')
      .addGroupBy('bucket')
      .setParameters({
        first: plan.firstBucketEpochSec,
        bucketSec: plan.bucketSec,
        from: plan.from,
        to: plan.to,
      })
      .getRawMany<ModuleBucketRow>();
  }

  /**
   * p50 and p95 latency of the successful checks, nearest rank: the value at rank ⌈p·n/100⌉,
   * written `(n·p + 99) / 100` in SQLite's integer division (see nearestRank()).
   */
  private percentiles(plan: BucketPlan): Promise<PercentileRow[]> {
    const ranked = this.history
      .createQueryBuilder('h')
      .select('h.module', 'module')
      .addSelect('h.latency_ms', 'latency_ms')
      .addSelect('ROW_NUMBER() OVER (PARTITION BY h.module ORDER BY h.latency_ms)', 'rn')
      .addSelect('COUNT(*) OVER (PARTITION BY h.module)', 'n')
      .where('h.ok = 1 AND h.checked_at >= :from AND h.checked_at <= :to');
    return this.history.manager
      .createQueryBuilder()
      .select('ranked.module', 'module')
      .addSelect(
        'MAX(CASE WHEN ranked.rn = (ranked.n * 50 + 99) / 100 THEN ranked.latency_ms END)',
        'p50',
      )
      .addSelect(
        'MAX(CASE WHEN ranked.rn = (ranked.n * 95 + 99) / 100 THEN ranked.latency_ms END)',
        'p95',
      )
      .from(`(${ranked.getQuery()})`, 'ranked')
      .groupBy('ranked.module')
      .setParameters({ from: plan.from, to: plan.to })
      .getRawMany<PercentileRow>();
  }
}
