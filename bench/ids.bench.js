'use strict';

/**
 * Row keys: what committing chat messages costs with random keys (UUID v4, the baseline) and
 * with the time-ordered keys VX11 gives chat messages, sessions and events (UUID v7,
 * core/util/time-ordered-id.ts), on a database that has been in use for a while.
 *
 * For each kind of key, a fresh SQLite file gets VX11's own schema (every migration of dist/,
 * run in order) and WAL with synchronous=NORMAL as the app sets them, then BENCH_IDS_PREFILL
 * chat messages (default 200,000, each in a session of its own, as a client that sends no
 * session_id makes), checkpointed. Then the measured part: 5,000 × BENCH_SECONDS commits, each
 * of 4 messages with their sessions (the statements ChatStore runs, in one transaction, as the
 * group commit of two chats does). Figures are medians of BENCH_ROUNDS rounds:
 *   v4_cpu_us_per_commit, v7_cpu_us_per_commit   this process's CPU per commit
 *   v4_wal_pages_per_commit, v7_…                 WAL frames written per commit
 *   cpu_ratio                                     v7 ÷ v4 (below 1: time-ordered keys are cheaper)
 * No goals. Ends with one JSON line of all figures.
 */

const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { v7 } = require('uuid');
const { DIST, say, ensureBuilt } = require('./support/child-server');
const { ROUNDS, SECONDS, inRounds, figureLine } = require('./support/rounds');

const PREFILL = Math.max(0, Number(process.env.BENCH_IDS_PREFILL ?? 200_000));
const COMMITS = Math.round(5000 * SECONDS);
const PER_COMMIT = 4;

const UPSERT_SESSION = `INSERT INTO chat_sessions (id, created_at, last_message_at, message_count)
  VALUES (?, ?, ?, 1) ON CONFLICT(id) DO UPDATE SET last_message_at = excluded.last_message_at,
  message_count = message_count + 1`;
const INSERT_MESSAGE = `INSERT INTO chat_messages (id, session_id, role, content, timestamp,
  correlation_id, fallback_source, provider, model, tokens_used, latency_ms)
  VALUES (?, ?, 'user', ?, ?, ?, NULL, NULL, NULL, NULL, NULL)`;

/** VX11's schema, from the migrations of the build the benches run. */
async function migrate(db) {
  const { MIGRATIONS } = require(join(DIST, 'migrations'));
  const runner = { query: async (sql) => db.exec(sql) };
  for (const Migration of MIGRATIONS) await new Migration().up(runner);
}

function walFrames(db) {
  return db.pragma('wal_checkpoint(PASSIVE)')[0].log;
}

async function measure(dir, kind, newId) {
  const db = new Database(join(dir, `${kind}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  await migrate(db);
  const upsert = db.prepare(UPSERT_SESSION);
  const insert = db.prepare(INSERT_MESSAGE);
  const write = (rows) => {
    for (const [id, session, at] of rows) {
      upsert.run(session, at, at);
      insert.run(id, session, 'a message of a usual length, neither short nor long', at, id);
    }
  };
  const commit = db.transaction(write);
  const prefill = db.transaction((n) => {
    for (let i = 0; i < n; i += 1) write([[newId(), newId(), new Date().toISOString()]]);
  });
  for (let done = 0; done < PREFILL; done += 10_000) prefill(Math.min(10_000, PREFILL - done));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0'); // count every frame the commits write
  const before = process.cpuUsage();
  for (let c = 0; c < COMMITS; c += 1) {
    const at = new Date().toISOString();
    const rows = [];
    for (let k = 0; k < PER_COMMIT; k += 1) rows.push([newId(), newId(), at]);
    commit(rows);
  }
  const cpu = process.cpuUsage(before);
  const frames = walFrames(db);
  db.close();
  return { cpuUs: (cpu.user + cpu.system) / COMMITS, pages: frames / COMMITS };
}

async function main() {
  ensureBuilt();
  say(
    `ids bench: ${PREFILL.toLocaleString('en')} messages first, then ${COMMITS} commits of ${PER_COMMIT}`,
  );
  const { figures, busy } = await inRounds('ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-ids-'));
    try {
      const v4 = await measure(dir, 'v4', randomUUID);
      const v7keys = await measure(dir, 'v7', v7);
      say(
        `  v4 ${v4.cpuUs.toFixed(1)} µs, ${v4.pages.toFixed(1)} WAL pages per commit;` +
          ` v7 ${v7keys.cpuUs.toFixed(1)} µs, ${v7keys.pages.toFixed(1)} pages`,
      );
      return {
        v4_cpu_us_per_commit: v4.cpuUs,
        v7_cpu_us_per_commit: v7keys.cpuUs,
        v4_wal_pages_per_commit: v4.pages,
        v7_wal_pages_per_commit: v7keys.pages,
        cpu_ratio: v7keys.cpuUs / v4.cpuUs,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const summary = { bench: 'ids', prefill: PREFILL };
  for (const [name, { median, rounds }] of Object.entries(figures)) {
    const digits = name === 'cpu_ratio' ? 3 : 1;
    figureLine('ids', name, median, undefined, rounds, digits);
    summary[name] = Math.round(median * 10 ** digits) / 10 ** digits;
  }
  summary.rounds = ROUNDS;
  summary.busy = busy;
  say(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(`ids bench failed: ${err.stack ?? err}`);
  process.exit(1);
});
