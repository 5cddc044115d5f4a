import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { databasePath } from '../src/core/database/data-source-options';
import { RetentionHooks } from '../src/core/database/retention-hooks';
import { LedgerRetention } from '../src/modules/events/ledger/ledger-retention.service';
import { listenOnce } from './support/event-feeds';
import { bootApp, TestApp } from './support/test-app';

/** One POST /events/ingest over a keep-alive agent (a "client" is one agent). */
function post(port: number, agent: Agent, token: string, body: object): Promise<number> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/events/ingest',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-vx11-token': token,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('the forensic ledger', () => {
  let t: TestApp;
  let db: Database.Database;
  beforeAll(async () => {
    t = await bootApp();
    db = new Database(databasePath(t.config.dataDir));
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  const verify = async () =>
    (await t.http().get('/events/ledger/verify').set(t.auth).expect(200)).body;
  const ingest = (type: string, payload: object = {}) =>
    t.http().post('/events/ingest').set(t.auth).send({ type, payload }).expect(201);
  const lastRow = () =>
    db.prepare('SELECT id, hash FROM events ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      hash: string;
    };

  it('verifies a fresh ledger, which already holds the boot-time module.state.changed events', async () => {
    const report = await verify();
    const count = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    expect(count).toBeGreaterThan(0);
    expect(report).toEqual({
      ok: true,
      length: count,
      head_hash: lastRow().hash,
      first_bad_id: null,
    });
  });

  it('stores exactly 1,000 events from 10 parallel clients as one valid chain', async () => {
    const port = await listenOnce(t.app);
    const before = (await verify()).length;
    const clients = Array.from({ length: 10 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      const statuses = await Promise.all(
        clients.map(async (agent, c) => {
          const codes: number[] = [];
          for (let i = 0; i < 100; i += 1) {
            codes.push(
              await post(port, agent, t.config.token!, {
                type: 'parallel.load',
                payload: { c, i },
              }),
            );
          }
          return codes;
        }),
      );
      expect(statuses.flat().filter((s) => s === 201)).toHaveLength(1000);
    } finally {
      clients.forEach((a) => a.destroy());
    }
    const rows = db
      .prepare("SELECT id, payload FROM events WHERE type = 'parallel.load' ORDER BY id")
      .all() as {
      id: number;
      payload: string;
    }[];
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.payload)).size).toBe(1000);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, first_bad_id: null, head_hash: lastRow().hash });
    expect(report.length).toBeGreaterThanOrEqual(before + 1000);
    // more than one event per transaction: the group commit did batch them
    const metrics = await t.http().get('/metrics').expect(200);
    const sum = Number(/vx11_events_ledger_batch_size_sum (\d+)/.exec(metrics.text)![1]);
    const commits = Number(/vx11_events_ledger_batch_size_count (\d+)/.exec(metrics.text)![1]);
    expect(commits).toBeLessThan(sum);
  });

  it('reports the row altered directly in SQLite as first_bad_id', async () => {
    await ingest('tamper.target', { amount: 10 });
    const target = lastRow().id;
    await ingest('tamper.after', {});
    expect((await verify()).ok).toBe(true);
    db.prepare('UPDATE events SET payload = \'{"amount":1000000}\' WHERE id = ?').run(target);
    const report = await verify();
    expect(report).toMatchObject({ ok: false, first_bad_id: target });
    // restore it: the chain verifies again
    db.prepare('UPDATE events SET payload = \'{"amount":10}\' WHERE id = ?').run(target);
    expect((await verify()).ok).toBe(true);
  });

  it('catches a deleted row: the next one no longer links', async () => {
    await ingest('delete.a');
    const a = lastRow().id;
    await ingest('delete.b');
    await ingest('delete.c');
    const snapshot = db.prepare('SELECT * FROM events WHERE id = ?').get(a + 1) as Record<
      string,
      unknown
    >;
    db.prepare('DELETE FROM events WHERE id = ?').run(a + 1);
    expect(await verify()).toMatchObject({ ok: false, first_bad_id: a + 2 });
    const cols = Object.keys(snapshot);
    db.prepare(
      `INSERT INTO events (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`,
    ).run(snapshot);
    expect((await verify()).ok).toBe(true);
  });
});

describe('ledger retention', () => {
  let t: TestApp;
  let db: Database.Database;
  beforeAll(async () => {
    t = await bootApp();
    db = new Database(databasePath(t.config.dataDir));
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  const verify = async () =>
    (await t.http().get('/events/ledger/verify').set(t.auth).expect(200)).body;
  const ingest = (type: string) =>
    t.http().post('/events/ingest').set(t.auth).send({ type, payload: {} }).expect(201);
  const ids = () =>
    (db.prepare('SELECT id FROM events ORDER BY id').all() as { id: number }[]).map((r) => r.id);

  it('removes rows older than retentionDays.events as a prefix, and the kept chain still verifies', async () => {
    for (let i = 0; i < 5; i += 1) await ingest('retention.old');
    const lastOld = ids().at(-1)!;
    for (let i = 0; i < 3; i += 1) await ingest('retention.new');
    const lastOldHash = (
      db.prepare('SELECT hash FROM events WHERE id = ?').get(lastOld) as { hash: string }
    ).hash;
    // Age the old rows (this edit breaks their hashes, which is fine: they are about to go).
    db.prepare("UPDATE events SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE id <= ?").run(
      lastOld,
    );
    expect(await verify()).toMatchObject({ ok: false, first_bad_id: ids()[0] });

    const report = await t.get(LedgerRetention).apply();
    expect(report).toMatchObject({
      removed: lastOld,
      anchor: { afterId: lastOld, hash: lastOldHash },
    });
    expect(ids()[0]).toBe(lastOld + 1);
    expect(await verify()).toMatchObject({ ok: true, length: ids().length, first_bad_id: null });
    expect(db.prepare('SELECT after_id, hash, pruned_total FROM ledger_anchor').all()).toEqual([
      { after_id: lastOld, hash: lastOldHash, pruned_total: lastOld },
    ]);

    // appending after a prune keeps the chain valid
    await ingest('retention.after');
    expect(await verify()).toMatchObject({ ok: true, length: ids().length });
    // and nothing is removed when nothing is old
    expect((await t.get(LedgerRetention).apply()).removed).toBe(0);

    const log = readFileSync(join(t.config.logsDir, 'architect.log'), 'utf8');
    expect(log).toMatch(
      new RegExp(`LEDGER RETENTION: removed ${lastOld} event\\(s\\).*after id ${lastOld}`),
    );
  });

  it('empties an entirely expired ledger, and the next event links to the anchor', async () => {
    const days = t.config.retentionDays.events;
    const head = db.prepare('SELECT id, hash FROM events ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      hash: string;
    };
    const report = await t
      .get(LedgerRetention)
      .apply(new Date(Date.now() + (days + 1) * 24 * 3600 * 1000));
    expect(report.anchor).toEqual({ afterId: head.id, hash: head.hash });
    expect(ids()).toEqual([]);
    expect(await verify()).toEqual({
      ok: true,
      length: 0,
      head_hash: head.hash,
      first_bad_id: null,
    });
    await ingest('retention.fresh');
    expect(ids()).toEqual([head.id + 1]);
    expect(await verify()).toMatchObject({ ok: true, length: 1, first_bad_id: null });
  });

  it("is the retention madre's maintenance runs use for the events table", async () => {
    const hook = t.get(RetentionHooks).all().get('events')!;
    expect(hook).toBeDefined();
    await ingest('retention.hooked');
    const count = ids().length;
    const later = new Date(Date.now() + (t.config.retentionDays.events + 1) * 24 * 3600 * 1000);
    expect(await hook(later)).toBe(count);
    expect(await verify()).toMatchObject({ ok: true, length: 0 });
  });

  it('detects the first kept row being removed behind the anchor', async () => {
    // the previous test emptied the ledger: two rows, then remove the first
    await ingest('retention.more');
    await ingest('retention.more');
    const [first, second] = ids();
    db.prepare('DELETE FROM events WHERE id = ?').run(first);
    expect(await verify()).toMatchObject({ ok: false, first_bad_id: second });
  });
});
