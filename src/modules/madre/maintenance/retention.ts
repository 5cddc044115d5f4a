import type Database from 'better-sqlite3';
import type { RetentionConfig } from '../../../core/config/app-config';
import type { RetentionHook } from '../../../core/database/retention-hooks';
import { quoteIdent, tableExists } from './sqlite-checks';

const DAY_MS = 24 * 3600 * 1000;
/** Rows deleted per statement; the event loop gets a turn between chunks. */
const CHUNK = 5000;

export type TableRetention =
  { cutoff: string; deleted: number; sessions_deleted?: number } | { skipped: string };

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function deleteOlderThan(
  db: Database.Database,
  table: string,
  column: string,
  cutoff: string,
): Promise<number> {
  const t = quoteIdent(table);
  const stmt = db.prepare(
    `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE ${quoteIdent(column)} < ? LIMIT ${CHUNK})`,
  );
  let total = 0;
  for (;;) {
    const { changes } = stmt.run(cutoff);
    total += changes;
    if (changes < CHUNK) return total;
    await yieldTurn();
  }
}

/** Old messages go; sessions left empty and idle since the cutoff go; counts are recomputed. */
async function pruneChat(db: Database.Database, cutoff: string): Promise<TableRetention> {
  const deleted = await deleteOlderThan(db, 'chat_messages', 'timestamp', cutoff);
  const sessions = db
    .prepare(
      `DELETE FROM chat_sessions WHERE last_message_at < ?
         AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.session_id = chat_sessions.id)`,
    )
    .run(cutoff).changes;
  if (deleted > 0) {
    db.exec(`UPDATE chat_sessions SET message_count =
      (SELECT COUNT(*) FROM chat_messages m WHERE m.session_id = chat_sessions.id)`);
  }
  return { cutoff, deleted, sessions_deleted: sessions };
}

const cutoffFor = (now: Date, days: number) =>
  new Date(now.getTime() - days * DAY_MS).toISOString();

/**
 * Retention cleanup per table (CONTRACT §7), each by its configured days. Tables that do not
 * exist are skipped; `events` is pruned only through the events module's hook, because its rows
 * form a hash chain whose anchor must move with them.
 */
export async function applyRetention(
  db: Database.Database,
  days: RetentionConfig,
  hooks: ReadonlyMap<string, RetentionHook>,
  now: Date = new Date(),
): Promise<Record<string, TableRetention>> {
  const result: Record<string, TableRetention> = {};
  const simple: Array<[string, string, number]> = [
    ['health_history', 'checked_at', days.health_history],
    ['power_events', 'at', days.power_events],
  ];
  for (const [table, column, keepDays] of simple) {
    if (!tableExists(db, table)) {
      result[table] = { skipped: 'table does not exist' };
      continue;
    }
    const cutoff = cutoffFor(now, keepDays);
    result[table] = { cutoff, deleted: await deleteOlderThan(db, table, column, cutoff) };
  }
  result.chat_messages = tableExists(db, 'chat_messages')
    ? await pruneChat(db, cutoffFor(now, days.messages))
    : { skipped: 'table does not exist' };
  const eventsHook = hooks.get('events');
  if (!tableExists(db, 'events')) result.events = { skipped: 'table does not exist' };
  else if (!eventsHook) {
    result.events = { skipped: 'the events module registered no ledger retention' };
  } else {
    result.events = { cutoff: cutoffFor(now, days.events), deleted: await eventsHook(now) };
  }
  return result;
}
