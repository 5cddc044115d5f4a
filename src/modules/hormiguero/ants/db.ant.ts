import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { AppConfig } from '../../../core/config/app-config';
import { quickCheck, quoteIdent, tableExists } from '../../madre/maintenance/sqlite-checks';
import { Ant, Finding, toMb } from '../finding';

const DAY_MS = 24 * 3600 * 1000;

/** Tables with a retention (CONTRACT §7) and the column their age is read from. */
const RETAINED: Array<{ table: string; column: string; days: (c: AppConfig) => number }> = [
  { table: 'health_history', column: 'checked_at', days: (c) => c.retentionDays.health_history },
  { table: 'power_events', column: 'at', days: (c) => c.retentionDays.power_events },
  { table: 'chat_messages', column: 'timestamp', days: (c) => c.retentionDays.messages },
  { table: 'events', column: 'recorded_at', days: (c) => c.retentionDays.events },
];

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

export interface DbReading {
  quick_check: string[];
  db_bytes: number;
  wal_bytes: number;
  growth_bytes: number | null;
}

/**
 * The db ant: `PRAGMA quick_check`, database and WAL size, their growth since the previous scan,
 * and tables holding rows past their retention (the maintenance run prunes them).
 */
export class DbAnt implements Ant {
  readonly name = 'db' as const;
  private previousBytes: number | undefined;

  constructor(
    private readonly db: () => Database.Database,
    private readonly dbFile: string,
    private readonly config: AppConfig,
  ) {}

  async scan(): Promise<Finding[]> {
    const sqlite = this.db();
    const findings: Finding[] = [];
    const check = quickCheck(sqlite);
    const dbBytes = sizeOf(this.dbFile);
    const walBytes = sizeOf(`${this.dbFile}-wal`);
    const total = dbBytes + walBytes;
    const growth = this.previousBytes === undefined ? null : total - this.previousBytes;
    this.previousBytes = total;
    const reading: DbReading = {
      quick_check: check.messages,
      db_bytes: dbBytes,
      wal_bytes: walBytes,
      growth_bytes: growth,
    };
    if (!check.ok) {
      findings.push({
        ant: 'db',
        kind: 'db.quick_check',
        title: 'database quick_check failing',
        severity: 'critical',
        detail: `PRAGMA quick_check: ${check.messages.slice(0, 3).join('; ')}`,
        evidence: { ...reading },
      });
    }
    const { walMaxMb, growthMaxMb } = this.config.hormiguero.db;
    if (toMb(walBytes) > walMaxMb) {
      findings.push({
        ant: 'db',
        kind: 'db.wal_size',
        title: 'database WAL too large',
        severity: 'medium',
        detail: `WAL is ${toMb(walBytes)} MiB (limit ${walMaxMb} MiB); a wal_checkpoint truncates it`,
        evidence: { ...reading, limit_mb: walMaxMb },
      });
    }
    if (growth !== null && toMb(growth) > growthMaxMb) {
      findings.push({
        ant: 'db',
        kind: 'db.growth',
        title: 'database growing fast',
        severity: 'medium',
        detail: `database + WAL grew ${toMb(growth)} MiB since the previous scan (limit ${growthMaxMb} MiB)`,
        evidence: { ...reading, limit_mb: growthMaxMb },
      });
    }
    const now = Date.now();
    for (const { table, column, days } of RETAINED) {
      if (!tableExists(sqlite, table)) continue;
      const keepDays = days(this.config);
      const cutoff = new Date(now - keepDays * DAY_MS).toISOString();
      const row = sqlite
        .prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)} WHERE ${quoteIdent(column)} < ?`)
        .get(cutoff) as { n: number };
      if (row.n > 0) {
        findings.push({
          ant: 'db',
          kind: 'db.retention',
          title: `${table} past its retention`,
          severity: 'low',
          detail: `${row.n} rows of ${table} are older than ${keepDays} days; the maintenance run prunes them`,
          evidence: { table, rows: row.n, cutoff, retention_days: keepDays },
        });
      }
    }
    return findings;
  }
}
