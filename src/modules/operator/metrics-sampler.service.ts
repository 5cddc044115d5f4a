import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { nativeDb } from '../../core/database/native-db';
import { eventLoopDelayMonitor } from '../../core/metrics/event-loop-delay';
import { RedisService } from '../../core/queue/redis.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { guarded } from '../../core/util/guarded';
import { MetricSampleEntity } from './metric-sample.entity';

type Sample = Pick<MetricSampleEntity, 'name' | 'module' | 'value'>;

const DAY_MS = 24 * 3600 * 1000;
const MAX_POINTS = 5000;
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Stores key figures every `operator.sampleIntervalSec` (a local timer: it must sample while
 * Redis is down too) and prunes what is older than `retentionDays.metrics`.
 */
@Injectable()
export class MetricsSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsSampler');
  private timer: NodeJS.Timeout | undefined;
  private readonly lag = eventLoopDelayMonitor();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly redis: RedisService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.lag.enable();
    // A full disk or a closed database costs a sample, not the process.
    this.timer = setInterval(
      guarded('metrics sample', () => this.sampleNow(), { logger: this.logger }),
      this.config.operator.sampleIntervalSec * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.lag.disable();
  }

  /** Takes one sample of every figure now and prunes old ones; returns what it stored. */
  sampleNow(): Sample[] {
    const samples = this.figures();
    const at = new Date().toISOString();
    const cutoff = new Date(Date.now() - this.config.retentionDays.metrics * DAY_MS).toISOString();
    const sqlite = nativeDb(this.db);
    const insert = sqlite.prepare(
      'INSERT INTO metric_samples (name, module, value, at) VALUES (?, ?, ?, ?)',
    );
    const prune = sqlite.prepare('DELETE FROM metric_samples WHERE at < ?');
    sqlite.transaction(() => {
      for (const s of samples) insert.run(s.name, s.module, s.value, at);
      prune.run(cutoff);
    })();
    return samples;
  }

  query(windowSeconds: number, name?: string, module?: string) {
    const since = new Date(Date.now() - windowSeconds * 1000).toISOString();
    const where = ['at >= ?'];
    const params: unknown[] = [since];
    if (name) {
      where.push('name = ?');
      params.push(name);
    }
    if (module) {
      where.push('module = ?');
      params.push(module);
    }
    const rows = nativeDb(this.db)
      .prepare(
        `SELECT name, module, value, at FROM metric_samples WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(...params, MAX_POINTS) as Array<Sample & { at: string }>;
    return rows.reverse();
  }

  private figures(): Sample[] {
    const memory = process.memoryUsage();
    const sqlite = nativeDb(this.db);
    const pageCount = sqlite.pragma('page_count', { simple: true }) as number;
    const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
    const lagMs = this.lag.percentile(99) / 1e6;
    this.lag.reset();
    const modules = this.registry.list();
    return [
      { name: 'rss_mb', module: null, value: round(memory.rss / 1048576) },
      { name: 'heap_used_mb', module: null, value: round(memory.heapUsed / 1048576) },
      { name: 'event_loop_lag_p99_ms', module: null, value: round(lagMs) },
      { name: 'db_size_mb', module: null, value: round((pageCount * pageSize) / 1048576) },
      { name: 'redis_up', module: null, value: this.redis.isUp() ? 1 : 0 },
      {
        name: 'modules_active',
        module: null,
        value: modules.filter((e) => e.state === 'active').length,
      },
      ...modules.map((e) => ({
        name: 'module_up',
        module: e.meta.name,
        value: e.state === 'active' ? 1 : 0,
      })),
    ];
  }
}
