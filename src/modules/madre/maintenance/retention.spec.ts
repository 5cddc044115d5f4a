import Database from 'better-sqlite3';
import type { RetentionHook } from '../../../core/database/retention-hooks';
import { applyRetention } from './retention';

const DAYS = {
  events: 30,
  health_history: 7,
  power_events: 30,
  messages: 90,
  backups_archive: 14,
  metrics: 7,
};
const NOW = new Date('2026-06-01T00:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86400000).toISOString();

describe('applyRetention', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec(`
      CREATE TABLE health_history (id integer PRIMARY KEY, checked_at text);
      CREATE TABLE chat_sessions (id text PRIMARY KEY, last_message_at text, message_count integer);
      CREATE TABLE chat_messages (id text PRIMARY KEY, session_id text REFERENCES chat_sessions(id)
        ON DELETE CASCADE, timestamp text);
    `);
  });
  afterEach(() => db.close());

  it('deletes rows older than each table’s days, skips missing tables, keeps chat counts true', async () => {
    const insertHealth = db.prepare('INSERT INTO health_history (checked_at) VALUES (?)');
    for (const age of [1, 6, 8, 30]) insertHealth.run(daysAgo(age));
    db.prepare('INSERT INTO chat_sessions VALUES (?, ?, ?)').run('old', daysAgo(100), 1);
    db.prepare('INSERT INTO chat_sessions VALUES (?, ?, ?)').run('live', daysAgo(1), 2);
    const insertMessage = db.prepare('INSERT INTO chat_messages VALUES (?, ?, ?)');
    insertMessage.run('m1', 'old', daysAgo(100));
    insertMessage.run('m2', 'live', daysAgo(95));
    insertMessage.run('m3', 'live', daysAgo(1));

    const result = await applyRetention(db, DAYS, new Map(), NOW);

    expect(result.health_history).toEqual({ cutoff: daysAgo(7), deleted: 2 });
    expect(result.power_events).toEqual({ skipped: 'table does not exist' });
    expect(result.chat_messages).toEqual({ cutoff: daysAgo(90), deleted: 2, sessions_deleted: 1 });
    expect(result.events).toEqual({ skipped: 'table does not exist' });
    expect(db.prepare('SELECT id, message_count FROM chat_sessions').all()).toEqual([
      { id: 'live', message_count: 1 },
    ]);
  });

  it('prunes events only through the registered hook', async () => {
    db.exec('CREATE TABLE events (id integer PRIMARY KEY, recorded_at text)');
    expect((await applyRetention(db, DAYS, new Map(), NOW)).events).toEqual({
      skipped: 'the events module registered no ledger retention',
    });
    const hook: RetentionHook = jest.fn(async () => 7);
    const result = await applyRetention(db, DAYS, new Map([['events', hook]]), NOW);
    expect(result.events).toEqual({ cutoff: daysAgo(30), deleted: 7 });
    expect(hook).toHaveBeenCalledWith(NOW);
  });
});
