import type Database from 'better-sqlite3';
import { writeFileAtomic } from './atomic-write';
import { tableExists } from './sqlite-checks';

export interface Gate {
  ok: boolean;
  detail: string;
}

export interface Scorecard {
  generated_at: string;
  score_pct: number;
  passed: number;
  total: number;
  gates: Record<string, Gate>;
}

/** What this run found, for the gates that come from the run itself. */
export interface RunFindings {
  quickCheckOk: boolean;
  integrityOk: boolean;
  foreignKeysOk: boolean;
  backup: { ok: boolean; name?: string };
  keptBackups: number;
  keepBackups: number;
}

/** Latest check per module, as the health monitor last recorded it. */
function latestHealth(db: Database.Database): Array<{ module: string; ok: number }> {
  return db
    .prepare(
      `SELECT h.module, h.ok FROM health_history h
       JOIN (SELECT module, MAX(id) AS id FROM health_history GROUP BY module) last ON last.id = h.id
       ORDER BY h.module`,
    )
    .all() as Array<{ module: string; ok: number }>;
}

/** SCORECARD.json: each gate computed from the run and the database, and the share passed. */
export function buildScorecard(
  db: Database.Database,
  run: RunFindings,
  now: Date = new Date(),
): Scorecard {
  const gates: Record<string, Gate> = {
    db_quick_check: { ok: run.quickCheckOk, detail: run.quickCheckOk ? 'ok' : 'problems found' },
    db_integrity: { ok: run.integrityOk, detail: run.integrityOk ? 'ok' : 'problems found' },
    foreign_keys: {
      ok: run.foreignKeysOk,
      detail: run.foreignKeysOk ? 'no violations' : 'violations',
    },
    backup_verified: {
      ok: run.backup.ok,
      detail: run.backup.ok ? `${run.backup.name} passed integrity_check` : 'no verified backup',
    },
    backups_retained: {
      ok: run.keptBackups >= 1 && run.keptBackups <= run.keepBackups,
      detail: `${run.keptBackups} kept (policy: newest ${run.keepBackups})`,
    },
  };
  if (tableExists(db, 'health_history')) {
    const latest = latestHealth(db);
    const failing = latest.filter((h) => h.ok !== 1).map((h) => h.module);
    gates.modules_healthy = {
      ok: latest.length > 0 && failing.length === 0,
      detail:
        latest.length === 0
          ? 'no health check recorded yet'
          : failing.length === 0
            ? `${latest.length}/${latest.length} healthy at the last check`
            : `failing: ${failing.join(', ')}`,
    };
  }
  if (tableExists(db, 'incidents')) {
    const open = db
      .prepare("SELECT COUNT(*) FROM incidents WHERE status != 'resolved'")
      .pluck()
      .get() as number;
    gates.no_open_incidents = { ok: open === 0, detail: `${open} unresolved` };
  }
  const total = Object.keys(gates).length;
  const passed = Object.values(gates).filter((g) => g.ok).length;
  return {
    generated_at: now.toISOString(),
    score_pct: Math.round((passed / total) * 1000) / 10,
    passed,
    total,
    gates,
  };
}

export function writeScorecard(file: string, scorecard: Scorecard): void {
  writeFileAtomic(file, `${JSON.stringify(scorecard, null, 2)}\n`);
}
