import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { nativeDb } from '../../../core/database/native-db';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { SEVERITY_LEVELS } from './incident-severity';

interface LevelRow {
  severity_level: string;
  n: number;
  oldest: string | null;
}

/**
 * Unresolved incidents by S-level, read at scrape time: how many, and how long the oldest has
 * been open (since first seen). The alert "incident open over N minutes" reads the age.
 */
@Injectable()
export class IncidentMetrics {
  constructor(metrics: MetricsService, @InjectDataSource() db: DataSource) {
    const read = (): LevelRow[] | undefined => {
      const sqlite = db.isInitialized ? nativeDb(db) : undefined;
      if (!sqlite?.open) return undefined; // shutting down: keep the last values
      return sqlite
        .prepare(
          `SELECT severity_level, COUNT(*) AS n, MIN(first_seen_at) AS oldest FROM incidents
           WHERE status != 'resolved' GROUP BY severity_level`,
        )
        .all() as LevelRow[];
    };
    new Gauge({
      name: 'vx11_incidents_unresolved',
      help: 'Incidents not resolved yet (open or acknowledged), by S-level',
      labelNames: ['severity_level'],
      registers: [metrics.registry],
      collect() {
        const rows = read();
        if (!rows) return;
        for (const level of SEVERITY_LEVELS) {
          this.set({ severity_level: level }, rows.find((r) => r.severity_level === level)?.n ?? 0);
        }
      },
    });
    new Gauge({
      name: 'vx11_incident_oldest_unresolved_age_seconds',
      help: 'Age of the oldest unresolved incident since first seen, by S-level (0: none)',
      labelNames: ['severity_level'],
      registers: [metrics.registry],
      collect() {
        const current = read();
        if (!current) return;
        const now = Date.now();
        for (const level of SEVERITY_LEVELS) {
          const oldest = current.find((r) => r.severity_level === level)?.oldest;
          this.set({ severity_level: level }, oldest ? (now - Date.parse(oldest)) / 1000 : 0);
        }
      },
    });
  }
}
