import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { nativeDb } from '../src/core/database/native-db';
import { EventBus, VxEvent } from '../src/core/events/event-bus.service';
import { QueueName } from '../src/core/queue/queue-names';
import { QueueService } from '../src/core/queue/queue.service';
import {
  newestFirst as newestFirstOrder,
  parseBackupName,
} from '../src/modules/madre/maintenance/backup-names';
import { dataPaths } from '../src/modules/madre/maintenance/data-paths';
import { STEP_NAMES } from '../src/modules/madre/maintenance/maintenance-steps';
import { NIGHTLY_SCHEDULER_ID } from '../src/modules/madre/maintenance/maintenance.scheduler';
import { configFileEnv, HUMAN_LINE, humanLogText } from './support/config-file';
import { freePort } from './support/redis-harness';
import { bootApp, TestApp, waitFor } from './support/test-app';

/** integrity_check and a row count on a backup file, opened read-only. */
function inspectBackup(file: string, table: string): { integrity: string; rows: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      rows: db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

const backupNames = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => /^vx11_\d{8}_\d{6}(-\d+)?\.db$/.test(n))
        .sort()
    : [];

describe('maintenance runs', () => {
  let t: TestApp;
  let cleanup: () => void;
  const events: VxEvent[] = [];
  beforeAll(async () => {
    // every run here must take its own backup (rotation is counted); chat writers run freely
    const cfg = configFileEnv({
      maintenance: { minBackupIntervalSec: 0 },
      chat: { clientRateLimit: 100000 },
    });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
    t.get(EventBus).subscribe((e) => {
      events.push(e);
    });
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  const postTask = (body?: object) => {
    const req = t.http().post('/madre/power/maintenance/post_task').set(t.auth);
    return body === undefined ? req : req.send(body);
  };

  it('post_task answers ok with every step, a verified backup, the DB map and the scorecard', async () => {
    const res = await postTask().expect(200);
    expect(res.body).toMatchObject({ status: 'ok', returncode: 0, source: 'api' });
    expect(typeof res.body.job_id).toBe('string');
    expect(Object.keys(res.body.report)).toEqual([...STEP_NAMES]);
    for (const step of STEP_NAMES) {
      expect({ step, ok: res.body.report[step].ok }).toEqual({ step, ok: true });
      expect(typeof res.body.report[step].duration_ms).toBe('number');
    }
    expect(res.body.report.quick_check.result).toEqual(['ok']);
    expect(res.body.report.integrity_check.result).toEqual(['ok']);
    expect(res.body.report.foreign_key_check.violations).toBe(0);
    expect(res.body.report.retention.applied).toBe(false);

    const paths = dataPaths(t.config.dataDir);
    const backup = res.body.report.backup;
    expect(backup.name).toMatch(/^vx11_\d{8}_\d{6}(-\d+)?\.db$/);
    expect(backup.file).toBe(join(paths.backupsDir, backup.name));
    expect(existsSync(`${backup.file}.tmp`)).toBe(false);
    expect(inspectBackup(backup.file, 'migrations').integrity).toBe('ok');
    expect(readFileSync(`${backup.file}.sha256`, 'utf8')).toBe(
      `${backup.sha256}  ${backup.name}\n`,
    );

    const schema = JSON.parse(readFileSync(join(paths.dbmapDir, 'DB_SCHEMA.json'), 'utf8'));
    const owners = Object.fromEntries(
      schema.tables.map((tb: { name: string; owner: string }) => [tb.name, tb.owner]),
    );
    expect(owners).toMatchObject({
      health_history: 'madre',
      incidents: 'madre',
      maintenance_runs: 'madre',
      chat_messages: 'operator',
      hermes_engines: 'hermes',
    });
    const runs = schema.tables.find((tb: { name: string }) => tb.name === 'maintenance_runs');
    expect(runs.primary_key).toEqual(['id']);
    expect(runs.row_count).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(paths.dbmapDir, 'DB_MAP.md'), 'utf8')).toContain(
      '| incidents | madre |',
    );
    const scorecard = JSON.parse(readFileSync(paths.scorecardFile, 'utf8'));
    expect(scorecard.gates).toMatchObject({
      backup_verified: { ok: true },
      db_integrity: { ok: true },
    });

    const job = await t
      .http()
      .get(`/madre/power/maintenance/jobs/${res.body.job_id}`)
      .set(t.auth)
      .expect(200);
    expect(job.body).toEqual(res.body);

    await waitFor(() => humanLogText(t.config, 'architect').includes(`run ${res.body.job_id} ok`));
    const line = humanLogText(t.config, 'architect')
      .split('\n')
      .find((l) => l.includes(`run ${res.body.job_id} ok`))!;
    expect(line).toMatch(HUMAN_LINE);
    expect(line).toContain(`backup ${backup.name}`);
    expect(events.find((e) => e.type === 'maintenance.completed')?.payload).toMatchObject({
      job_id: res.body.job_id,
      status: 'ok',
      returncode: 0,
      backup: backup.name,
    });
  });

  it('keeps the two newest backups after four runs and archives the others', async () => {
    const paths = dataPaths(t.config.dataDir);
    const made: string[] = [...backupNames(paths.backupsDir), ...backupNames(paths.archivedDir)];
    for (let i = 0; i < 4; i += 1) {
      const res = await postTask({ reason: `rotation ${i}` }).expect(200);
      expect(res.body.status).toBe('ok');
      made.push(res.body.report.backup.name);
    }
    const newestFirst = made
      .map((n) => parseBackupName(n)!)
      .sort(newestFirstOrder)
      .map((b) => b.name);
    expect(backupNames(paths.backupsDir)).toEqual(newestFirst.slice(0, 2).sort());
    expect(backupNames(paths.archivedDir)).toEqual(newestFirst.slice(2).sort());
    for (const name of backupNames(paths.archivedDir)) {
      expect(existsSync(join(paths.archivedDir, `${name}.sha256`))).toBe(true);
    }
    const listed = await t.http().get('/madre/power/maintenance/backups').set(t.auth).expect(200);
    expect(listed.body.keep).toBe(2);
    expect(
      listed.body.backups.map((b: { location: string; name: string }) => `${b.location}:${b.name}`),
    ).toEqual([
      ...newestFirst.slice(0, 2).map((n) => `kept:${n}`),
      ...newestFirst.slice(2).map((n) => `archived:${n}`),
    ]);
  });

  it('deletes archived backups older than the archive retention', async () => {
    const paths = dataPaths(t.config.dataDir);
    const old = join(paths.archivedDir, 'vx11_20200101_000000.db');
    writeFileSync(old, 'old');
    const res = await postTask().expect(200);
    expect(res.body.report.rotation.deleted).toEqual(['vx11_20200101_000000.db']);
    expect(existsSync(old)).toBe(false);
  });

  it('applies retention when asked, table by table', async () => {
    const sqlite = nativeDb(t.get(DataSource));
    sqlite
      .prepare(
        "INSERT INTO health_history (module, ok, latency_ms, detail, checked_at) VALUES ('madre', 1, 1, 'old', '2001-01-01T00:00:00.000Z')",
      )
      .run();
    const res = await postTask({ apply_retention: true, reason: 'cleanup' }).expect(200);
    expect(res.body).toMatchObject({ status: 'ok', apply_retention: true, reason: 'cleanup' });
    expect(res.body.report.retention).toMatchObject({
      ok: true,
      applied: true,
      reason: 'requested',
      tables: {
        health_history: { deleted: 1 },
        power_events: { deleted: 0 },
        chat_messages: { deleted: 0 },
      },
    });
    expect(res.body.report.retention.tables.events).toBeDefined();
  });

  it('takes a consistent backup while chat writes continue', async () => {
    const sqlite = nativeDb(t.get(DataSource));
    const count = () =>
      sqlite.prepare('SELECT COUNT(*) FROM chat_messages').pluck().get() as number;
    let writing = true;
    let failures = 0;
    const writer = async (n: number) => {
      for (let i = 0; writing; i += 1) {
        const res = await t
          .http()
          .post('/operator/api/chat')
          .set(t.auth)
          .send({ message: `w${n} m${i} status` });
        if (res.status !== 200) failures += 1;
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    try {
      await waitFor(() => count() >= 40, 10000);
      const committedBefore = count();
      const res = await postTask({ reason: 'under load' }).expect(200);
      const committedAfter = count();
      expect(res.body.status).toBe('ok');
      const inBackup = inspectBackup(res.body.report.backup.file, 'chat_messages');
      expect(inBackup.integrity).toBe('ok');
      expect(inBackup.rows).toBeGreaterThanOrEqual(committedBefore);
      expect(inBackup.rows).toBeLessThanOrEqual(committedAfter);
      // messages and sessions agree inside the copy (no torn transaction)
      const copy = new Database(res.body.report.backup.file, { readonly: true });
      try {
        const orphans = copy
          .prepare(
            'SELECT COUNT(*) FROM chat_messages m LEFT JOIN chat_sessions s ON s.id = m.session_id WHERE s.id IS NULL',
          )
          .pluck()
          .get();
        expect(orphans).toBe(0);
      } finally {
        copy.close();
      }
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    expect(failures).toBe(0);
  });

  it('answers bad input with 400 and an unknown job with 404', async () => {
    for (const body of [
      { apply_retention: 'yes' },
      { reason: '' },
      { reason: 'x'.repeat(201) },
      { force: true },
    ]) {
      const res = await postTask(body).expect(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.details.length).toBeGreaterThan(0);
    }
    const missing = await t
      .http()
      .get('/madre/power/maintenance/jobs/no-such-job')
      .set(t.auth)
      .expect(404);
    expect(missing.body).toMatchObject({ error: 'maintenance_job_not_found', status_code: 404 });
  });

  it('schedules the nightly run on the maintenance queue (03:00 UTC by default)', async () => {
    const scheduler = await t
      .get(QueueService)
      .queue(QueueName.Maintenance)
      .getJobScheduler(NIGHTLY_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ pattern: '0 3 * * *', tz: 'UTC' });
  });

  it('exports the age of the last good backup and the database size', async () => {
    const res = await t.http().get('/metrics').expect(200);
    const age = Number(/^vx11_backup_last_good_age_seconds (\S+)$/m.exec(res.text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(120);
    expect(res.text).toMatch(/^vx11_db_size_bytes\{file="db"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^vx11_maintenance_runs_total\{status="ok"\} [1-9]\d*$/m);
  });
});

/** Issue 10 item 8: post_task 60 times wrote 3.6 GB of backups in 90 s. */
describe('a flood of post_task requests', () => {
  let t: TestApp;
  let cleanup: () => void;
  beforeAll(async () => {
    const cfg = configFileEnv({ maintenance: { minBackupIntervalSec: 3600 } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  const postTask = (body: object = {}) =>
    t.http().post('/madre/power/maintenance/post_task').set(t.auth).send(body);
  const allBackups = () => {
    const paths = dataPaths(t.config.dataDir);
    return [...backupNames(paths.backupsDir), ...backupNames(paths.archivedDir)];
  };

  it('makes one run and one backup of ten requests at once; the others get its report, marked reused', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => postTask().expect(200)));
    const jobs = new Set(answers.map((a) => a.body.job_id));
    expect(jobs.size).toBe(1);
    const fresh = answers.filter((a) => a.body.reused === undefined);
    const reused = answers.filter((a) => a.body.reused === true);
    expect(fresh).toHaveLength(1);
    expect(reused).toHaveLength(9);
    expect(fresh[0].body).toMatchObject({ status: 'ok', returncode: 0 });
    for (const a of reused) {
      expect(a.body).toMatchObject({
        status: 'ok',
        job_id: fresh[0].body.job_id,
        reused_because: expect.stringMatching(/^(in_progress|within_min_interval)$/),
        min_backup_interval_sec: 3600,
        next_run_after: expect.any(String),
        report: fresh[0].body.report,
      });
    }
    expect(allBackups()).toEqual([fresh[0].body.report.backup.name]);

    // later, within the interval: the last report again
    const later = await postTask({ reason: 'again' }).expect(200);
    expect(later.body).toMatchObject({
      job_id: fresh[0].body.job_id,
      reused: true,
      reused_because: 'within_min_interval',
    });
    const runs = nativeDb(t.get(DataSource))
      .prepare('SELECT COUNT(*) FROM maintenance_runs')
      .pluck()
      .get();
    expect(runs).toBe(1);
    expect(allBackups()).toHaveLength(1);
  });

  it('runs a retention request the last run did not cover, but reuses its fresh backup', async () => {
    const [before] = allBackups();
    const res = await postTask({ apply_retention: true }).expect(200);
    expect(res.body.reused).toBeUndefined();
    expect(res.body).toMatchObject({ status: 'ok', apply_retention: true });
    expect(res.body.report.retention.applied).toBe(true);
    expect(res.body.report.backup).toMatchObject({ ok: true, reused: true, name: before });
    expect(allBackups()).toEqual([before]);
    // that run covers the next retention request
    const again = await postTask({ apply_retention: true }).expect(200);
    expect(again.body).toMatchObject({ job_id: res.body.job_id, reused: true });
  });
});

describe('maintenance that outlasts the wait', () => {
  let t: TestApp;
  let cleanup: () => void;
  beforeAll(async () => {
    const cfg = configFileEnv({ maintenance: { waitMs: 0 } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('answers 202 with the job id, and the job reports the run when it ends', async () => {
    const res = await t.http().post('/madre/power/maintenance/post_task').set(t.auth).expect(202);
    expect(res.body).toMatchObject({ status: 'accepted', job_id: expect.any(String) });
    expect(res.body.poll).toBe(`GET /madre/power/maintenance/jobs/${res.body.job_id}`);
    const job = await waitFor(async () => {
      const r = await t
        .http()
        .get(`/madre/power/maintenance/jobs/${res.body.job_id}`)
        .set(t.auth)
        .expect(200);
      return r.body.status === 'ok' ? r.body : null;
    }, 15000);
    expect(job).toMatchObject({ returncode: 0, job_id: res.body.job_id });
    expect(Object.keys(job.report)).toEqual([...STEP_NAMES]);
  });
});

describe('maintenance and health with Redis down', () => {
  let t: TestApp;
  let cleanup: () => void;
  beforeAll(async () => {
    const cfg = configFileEnv({ health: { intervalSec: 0.2, restartBackoffMs: 100 } });
    cleanup = cfg.cleanup;
    t = await bootApp({ ...cfg.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('still runs post_task, in-process', async () => {
    const res = await t.http().post('/madre/power/maintenance/post_task').set(t.auth).expect(200);
    expect(res.body).toMatchObject({ status: 'ok', returncode: 0 });
    expect(inspectBackup(res.body.report.backup.file, 'migrations').integrity).toBe('ok');
  });

  it('keeps monitoring on the local timer, alerts on madre, and does not restart for Redis', async () => {
    await waitFor(
      () => (humanLogText(t.config, 'health_monitor').match(/cycle started/g) ?? []).length >= 4,
      10000,
    );
    const log = humanLogText(t.config, 'health_monitor');
    expect(log).toMatch(/HEALTH: {3}✗ madre: redis unreachable: /);
    expect(log).toMatch(/HEALTH: {3}✓ operator$/m);
    expect(humanLogText(t.config, 'alerts')).toMatch(
      /ALERT: madre health check failed: redis unreachable/,
    );
    await waitFor(
      () =>
        /SERVICE RESTART SKIPPED: madre: redis is failing/.test(
          humanLogText(t.config, 'architect'),
        ),
      5000,
    );
    expect(humanLogText(t.config, 'architect')).not.toMatch(/SERVICE RESTART: madre/);
    const open = await t.http().get('/operator/api/incidents?status=open').set(t.auth).expect(200);
    expect(open.body.incidents.map((i: { source: string }) => i.source)).toContain('madre');
  });
});
