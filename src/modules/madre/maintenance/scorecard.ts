import type Database from 'better-sqlite3';
import { writeFileAtomic } from './atomic-write';
import { tableExists } from './sqlite-checks';

/*
 * The scorecard, in one place. GET /manifestator/scorecard and the maintenance run's
 * SCORECARD.json both call computeScore() below with what each can measure; the formulas,
 * weights and thresholds live only here. Madre (core) imports nothing from manifestator:
 * manifestator imports this file and hands it live measurements (route table, schedulers,
 * rails), and registers a provider of them (registerLiveMeasurements) that a maintenance run
 * inside the same server reads. A CLI run on a stopped server has only the database.
 */

/** The seeds' readiness categories plus the gates, each with its formula and threshold. */
export const SCORE_CATEGORIES = {
  filesystem_order: {
    label: 'Filesystem order',
    formula:
      '1 − drifted files / tracked files (hormiguero fs_drift against its recorded baseline)',
    weight: 0.2,
    threshold_pct: 80,
  },
  routing_coherence: {
    label: 'Routing coherence',
    formula:
      'declared routes present in the live route table / declared routes (config/manifest.json)',
    weight: 0.2,
    threshold_pct: 85,
  },
  automation: {
    label: 'Automation',
    formula:
      'schedulers running / schedulers expected (health cycle, nightly maintenance, active modules’ own)',
    weight: 0.2,
    threshold_pct: 80,
  },
  autonomy: {
    label: 'Autonomy',
    formula: 'failures healed by automatic restart / failures, over the window (power_events)',
    weight: 0.2,
    threshold_pct: 80,
  },
  gates_passed: {
    label: 'Gates passed',
    formula: 'gates ok / gates decided (ok + failed; skipped gates are left out)',
    weight: 0.2,
    threshold_pct: 100,
  },
} as const;

export type ScoreCategory = keyof typeof SCORE_CATEGORIES;
export const SCORE_CATEGORY_NAMES = Object.keys(SCORE_CATEGORIES) as ScoreCategory[];

export const GLOBAL_FORMULA =
  'Σ weight × pct / Σ weight over the measured categories (an unmeasured one is left out, not zeroed)';
export const GLOBAL_THRESHOLD_PCT = 90;

/** A measured ratio: what was counted, and where it came from. */
export interface Ratio {
  numerator: number;
  denominator: number;
  source: string;
  /** When it was measured, if not now (a cached live measurement). */
  measured_at?: string;
  detail?: Record<string, unknown>;
}

/** A category that could not be measured here, and why. */
export interface Unmeasured {
  unmeasured: string;
}

export type Measurement = Ratio | Unmeasured;
export type ScoreMeasurements = Partial<Record<ScoreCategory, Measurement>>;

export interface CategoryScore {
  label: string;
  formula: string;
  weight: number;
  threshold_pct: number;
  /** null when not measured. */
  pct: number | null;
  pass: boolean | null;
  numerator: number | null;
  denominator: number | null;
  source: string | null;
  measured_at?: string;
  /** Why unmeasured, or a note (a zero denominator scores 100: nothing to fail). */
  note?: string;
  detail?: Record<string, unknown>;
}

export interface ScoreSummary {
  global_pct: number | null;
  global_pass: boolean | null;
  global_formula: string;
  global_threshold_pct: number;
  measured_weight: number;
  categories: Record<ScoreCategory, CategoryScore>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

function isRatio(m: Measurement | undefined): m is Ratio {
  return m !== undefined && 'denominator' in m;
}

/** The one computation: each category's percentage, pass/fail, and the weighted global. */
export function computeScore(measurements: ScoreMeasurements): ScoreSummary {
  const categories = {} as Record<ScoreCategory, CategoryScore>;
  let weighted = 0;
  let weights = 0;
  for (const name of SCORE_CATEGORY_NAMES) {
    const spec = SCORE_CATEGORIES[name];
    const m = measurements[name];
    const base = {
      label: spec.label,
      formula: spec.formula,
      weight: spec.weight,
      threshold_pct: spec.threshold_pct,
    };
    if (!isRatio(m)) {
      categories[name] = {
        ...base,
        pct: null,
        pass: null,
        numerator: null,
        denominator: null,
        source: null,
        note: m?.unmeasured ?? 'not measured',
      };
      continue;
    }
    const num = Math.max(0, Math.min(m.numerator, m.denominator));
    const pct = m.denominator === 0 ? 100 : round1((100 * num) / m.denominator);
    categories[name] = {
      ...base,
      pct,
      pass: pct >= spec.threshold_pct,
      numerator: m.numerator,
      denominator: m.denominator,
      source: m.source,
      ...(m.measured_at ? { measured_at: m.measured_at } : {}),
      ...(m.denominator === 0 ? { note: 'nothing to count: scores 100' } : {}),
      ...(m.detail ? { detail: m.detail } : {}),
    };
    weighted += spec.weight * pct;
    weights += spec.weight;
  }
  const global = weights > 0 ? round2(weighted / weights) : null;
  return {
    global_pct: global,
    global_pass: global === null ? null : global >= GLOBAL_THRESHOLD_PCT,
    global_formula: GLOBAL_FORMULA,
    global_threshold_pct: GLOBAL_THRESHOLD_PCT,
    measured_weight: round2(weights),
    categories,
  };
}

/** The restart reason madre's health restarter gives (module-restarter.service.ts). */
const RESTART_REASON = 'health_restart';

/**
 * Autonomy from the power history: a failure is a health restart begun (the module failed its
 * checks) or a module that went `failed` otherwise; it is healed when the restart brought the
 * module back to `active`.
 */
export function measureAutonomy(db: Database.Database, windowSec: number, now: Date): Measurement {
  if (!tableExists(db, 'power_events')) return { unmeasured: 'no power_events table' };
  const since = new Date(now.getTime() - windowSec * 1000).toISOString();
  const count = (where: string) =>
    db
      .prepare(`SELECT COUNT(*) FROM power_events WHERE at >= ? AND ${where}`)
      .pluck()
      .get(since) as number;
  const restarts = count(`reason = '${RESTART_REASON}' AND to_state = 'stopping'`);
  const otherFailures = count(`reason != '${RESTART_REASON}' AND to_state = 'failed'`);
  const healed = count(`reason = '${RESTART_REASON}' AND to_state = 'active'`);
  return {
    numerator: healed,
    denominator: restarts + otherFailures,
    source: 'power_events',
    detail: { window_sec: windowSec, since, restarts, other_failures: otherFailures, healed },
  };
}

/** Live measurements the running server can add (see registerLiveMeasurements). */
export type LiveMeasurements = () => ScoreMeasurements;

const liveSources = new WeakMap<Database.Database, LiveMeasurements>();

/**
 * Lets a module of the running server supply the live categories (routing, automation,
 * filesystem, rails) to maintenance runs on that server's database handle. A CLI run opens
 * its own handle and so finds none: those categories are then reported unmeasured.
 */
export function registerLiveMeasurements(db: Database.Database, source: LiveMeasurements): void {
  liveSources.set(db, source);
}

export interface Gate {
  ok: boolean;
  detail: string;
}

export interface Scorecard extends ScoreSummary {
  generated_at: string;
  /** The maintenance run's own gates: share passed (kept for readers of earlier files). */
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

/** The maintenance run's own gates, computed from the run and the database. */
export function runGates(db: Database.Database, run: RunFindings): Record<string, Gate> {
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
  return gates;
}

/** Autonomy's window for a maintenance run (manifestator's is config manifestator.autonomyWindowSec). */
export const DEFAULT_AUTONOMY_WINDOW_SEC = 86400;

/**
 * SCORECARD.json: the run's own gates, and the categories of computeScore() from what this run
 * can measure — autonomy from the database; routing, automation, filesystem and the rails from
 * the running server when one registered them. Without rails, the gates category is the run's
 * own gates.
 */
export function buildScorecard(
  db: Database.Database,
  run: RunFindings,
  now: Date = new Date(),
): Scorecard {
  const gates = runGates(db, run);
  const total = Object.keys(gates).length;
  const passed = Object.values(gates).filter((g) => g.ok).length;
  let live: ScoreMeasurements = {};
  try {
    live = liveSources.get(db)?.() ?? {};
  } catch (err) {
    live = {};
    void err;
  }
  const unmeasuredHere = (what: string): Unmeasured => ({
    unmeasured: `${what}: no running server registered live measurements (CLI run, or manifestator not loaded)`,
  });
  const measurements: ScoreMeasurements = {
    filesystem_order: live.filesystem_order ?? unmeasuredHere('filesystem order'),
    routing_coherence: live.routing_coherence ?? unmeasuredHere('routing coherence'),
    automation: live.automation ?? unmeasuredHere('automation'),
    autonomy: live.autonomy ?? measureAutonomy(db, DEFAULT_AUTONOMY_WINDOW_SEC, now),
    gates_passed: isRatio(live.gates_passed)
      ? live.gates_passed
      : { numerator: passed, denominator: total, source: 'maintenance run gates' },
  };
  return {
    generated_at: now.toISOString(),
    ...computeScore(measurements),
    score_pct: Math.round((passed / total) * 1000) / 10,
    passed,
    total,
    gates,
  };
}

export function writeScorecard(file: string, scorecard: Scorecard): void {
  writeFileAtomic(file, `${JSON.stringify(scorecard, null, 2)}\n`);
}
