import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { HealthHistoryEntity } from './health-history.entity';

/** Rows deleted per statement when pruning. */
const PRUNE_CHUNK = 5000;

export interface HealthCheckRow {
  module: string;
  ok: boolean;
  latency_ms: number;
  detail: string;
  checked_at: string;
}

/** A time range cut into equal buckets, by epoch seconds of the first bucket. */
export interface HistoryBuckets {
  from: string;
  to: string;
  firstBucketEpochSec: number;
  bucketSec: number;
}

export interface ModuleBucketRow {
  module: string;
  bucket: number;
  ok: number;
  fail: number;
  avg_latency_ms: number | null;
}

export interface LatencyPercentileRow {
  module: string;
  p50: number | null;
  p95: number | null;
}

/** The one place that reads and writes health_history. */
@Injectable()
export class HealthHistoryStore {
  constructor(
    @InjectRepository(HealthHistoryEntity)
    private readonly history: Repository<HealthHistoryEntity>,
  ) {}

  async append(rows: HealthCheckRow[]): Promise<void> {
    if (rows.length > 0) await this.history.insert(rows);
  }

  countBefore(cutoffIso: string): Promise<number> {
    return this.history.count({ where: { checked_at: LessThan(cutoffIso) } });
  }

  /**
   * Deletes the checks older than the cutoff in chunks, the event loop getting a turn between
   * them, so a large prune never holds the database (and the process) for long. Answers the
   * number deleted.
   */
  async pruneBefore(cutoffIso: string): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { affected } = await this.history
        .createQueryBuilder()
        .delete()
        .where(
          `rowid IN (SELECT rowid FROM health_history WHERE checked_at < :cutoff LIMIT ${PRUNE_CHUNK})`,
          { cutoff: cutoffIso },
        )
        .execute();
      deleted += affected ?? 0;
      if ((affected ?? 0) < PRUNE_CHUNK) return deleted;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Newest first, optionally for one module. */
  async recent(module: string | undefined, limit: number): Promise<HealthCheckRow[]> {
    const rows = await this.history.find({
      where: module ? { module } : {},
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map(({ module, ok, latency_ms, detail, checked_at }) => ({
      module,
      ok,
      latency_ms,
      detail,
      checked_at,
    }));
  }

  /** Per module and bucket: successful and failed checks, mean latency of the successful ones. */
  bucketRows(range: HistoryBuckets): Promise<ModuleBucketRow[]> {
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
        first: range.firstBucketEpochSec,
        bucketSec: range.bucketSec,
        from: range.from,
        to: range.to,
      })
      .getRawMany<ModuleBucketRow>();
  }

  /**
   * p50 and p95 latency of the successful checks, nearest rank: the value at rank ⌈p·n/100⌉,
   * written `(n·p + 99) / 100` in SQLite's integer division. The database ranks, so a 30-day
   * range never loads its rows into memory.
   */
  latencyPercentiles(range: { from: string; to: string }): Promise<LatencyPercentileRow[]> {
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
      .setParameters({ from: range.from, to: range.to })
      .getRawMany<LatencyPercentileRow>();
  }
}
