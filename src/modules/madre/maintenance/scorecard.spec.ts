import Database from 'better-sqlite3';
import {
  buildScorecard,
  computeScore,
  measureAutonomy,
  registerLiveMeasurements,
  RunFindings,
  SCORE_CATEGORY_NAMES,
} from './scorecard';

const run: RunFindings = {
  quickCheckOk: true,
  integrityOk: true,
  foreignKeysOk: true,
  backup: { ok: true, name: 'vx11_20260102_030000.db' },
  keptBackups: 1,
  keepBackups: 2,
};

function powerDb(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE power_events (id INTEGER PRIMARY KEY, module TEXT, from_state TEXT,
    to_state TEXT, reason TEXT, error TEXT, correlation_id TEXT, at TEXT)`);
  return db;
}

describe('the one scorecard computation', () => {
  it('scores each measured category as a percentage and weights the measured ones', () => {
    const s = computeScore({
      filesystem_order: { numerator: 19, denominator: 20, source: 'fs' },
      routing_coherence: { numerator: 98, denominator: 100, source: 'routes' },
      automation: { numerator: 23, denominator: 25, source: 'sched' },
      autonomy: { numerator: 22, denominator: 25, source: 'power' },
    });
    // the seeds' figures: 95, 98, 92, 88 → 93.25 with equal weights
    expect(s.categories.filesystem_order.pct).toBe(95);
    expect(s.categories.autonomy).toMatchObject({ pct: 88, pass: true, threshold_pct: 80 });
    expect(s.categories.gates_passed).toMatchObject({
      pct: null,
      pass: null,
      note: 'not measured',
    });
    expect(s.global_pct).toBe(93.25);
    expect(s.measured_weight).toBe(0.8);
    expect(s.global_pass).toBe(true);
  });

  it('a zero denominator scores 100 with a note; nothing measured leaves the global null', () => {
    const s = computeScore({ autonomy: { numerator: 0, denominator: 0, source: 'power' } });
    expect(s.categories.autonomy).toMatchObject({ pct: 100, note: 'nothing to count: scores 100' });
    expect(computeScore({}).global_pct).toBeNull();
  });

  it('fails a category under its threshold and the global under 90', () => {
    const s = computeScore({
      routing_coherence: { numerator: 1, denominator: 2, source: 'r' },
      gates_passed: { numerator: 12, denominator: 13, source: 'g' },
    });
    expect(s.categories.routing_coherence.pass).toBe(false);
    expect(s.categories.gates_passed).toMatchObject({ pct: 92.3, pass: false });
    expect(s.global_pass).toBe(false);
  });

  it('autonomy counts health restarts healed against failures in the window', () => {
    const db = powerDb();
    const now = new Date('2026-01-02T12:00:00.000Z');
    const add = db.prepare(
      'INSERT INTO power_events (module, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?)',
    );
    add.run('switch', 'active', 'stopping', 'health_restart', '2026-01-02T11:00:00.000Z');
    add.run('switch', 'starting', 'active', 'health_restart', '2026-01-02T11:00:01.000Z');
    add.run('hermes', 'active', 'stopping', 'health_restart', '2026-01-02T11:10:00.000Z');
    add.run('hermes', 'starting', 'failed', 'health_restart', '2026-01-02T11:10:01.000Z');
    add.run('mcp', 'starting', 'failed', 'window w1', '2026-01-02T11:20:00.000Z');
    add.run('switch', 'active', 'stopping', 'health_restart', '2025-12-30T11:00:00.000Z'); // too old
    const m = measureAutonomy(db, 86400, now);
    expect(m).toMatchObject({ numerator: 1, denominator: 3, source: 'power_events' });
  });

  it('SCORECARD.json: the run’s gates, autonomy from the DB, live categories when registered', () => {
    const db = powerDb();
    const alone = buildScorecard(db, run);
    expect(Object.keys(alone.categories)).toEqual(SCORE_CATEGORY_NAMES);
    expect(alone.categories.routing_coherence.pct).toBeNull();
    expect(alone.categories.routing_coherence.note).toMatch(/no running server/);
    expect(alone.categories.gates_passed).toMatchObject({
      pct: 100,
      source: 'maintenance run gates',
    });
    expect(alone.categories.autonomy.pct).toBe(100);
    expect(alone).toMatchObject({ passed: 5, total: 5, score_pct: 100 });

    registerLiveMeasurements(db, () => ({
      routing_coherence: { numerator: 9, denominator: 10, source: 'manifest vs live route table' },
      gates_passed: { numerator: 12, denominator: 13, source: 'manifestator rails' },
    }));
    const live = buildScorecard(db, run);
    expect(live.categories.routing_coherence.pct).toBe(90);
    expect(live.categories.gates_passed).toMatchObject({ pct: 92.3, source: 'manifestator rails' });
    expect(live.global_pct).toBe(
      computeScore({
        routing_coherence: { numerator: 9, denominator: 10, source: 'x' },
        autonomy: { numerator: 0, denominator: 0, source: 'x' },
        gates_passed: { numerator: 12, denominator: 13, source: 'x' },
      }).global_pct,
    );
  });
});
