import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../../../core/config/app-config';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { newestBackup } from './backup-rotation';
import { dataPaths } from './data-paths';
import { databaseBytes } from './maintenance-steps';

/** Backup freshness, database size and maintenance outcomes, read at scrape time. */
@Injectable()
export class MaintenanceMetrics {
  private readonly runs: Counter<'status'>;

  constructor(config: AppConfig, metrics: MetricsService) {
    const paths = dataPaths(config.dataDir);
    new Gauge({
      name: 'vx11_backup_last_good_age_seconds',
      help: 'Age of the newest verified backup (absent when there is none)',
      registers: [metrics.registry],
      collect() {
        this.reset();
        const newest = newestBackup(paths);
        if (newest) this.set((Date.now() - Date.parse(newest.created_at)) / 1000);
      },
    });
    new Gauge({
      name: 'vx11_db_size_bytes',
      help: 'Size of the SQLite database, by file (db, wal)',
      labelNames: ['file'],
      registers: [metrics.registry],
      collect() {
        const size = databaseBytes(paths);
        this.set({ file: 'db' }, size.db);
        this.set({ file: 'wal' }, size.wal);
      },
    });
    this.runs = new Counter({
      name: 'vx11_maintenance_runs_total',
      help: 'Finished maintenance runs by outcome',
      labelNames: ['status'],
      registers: [metrics.registry],
    });
  }

  recordRun(status: string): void {
    this.runs.inc({ status });
  }
}
