import type Database from 'better-sqlite3';
import { quickCheck } from '../../madre/maintenance/sqlite-checks';
import { failed, GateResult, listSome, ok } from './gate';

/** db_integrity: `PRAGMA quick_check` on the live database answers `ok`. */
export function dbIntegrity(db: Database.Database): GateResult {
  const started = performance.now();
  const check = quickCheck(db);
  const evidence = {
    pragma: 'quick_check',
    result: check.messages.slice(0, 10),
    duration_ms: Math.round(performance.now() - started),
  };
  return check.ok
    ? ok(evidence)
    : failed(`quick_check reports problems: ${listSome(check.messages, 3)}`, evidence);
}
