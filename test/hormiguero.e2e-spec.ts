import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PROJECT_ROOT } from '../src/core/config/project-root';
import { nativeDb } from '../src/core/database/native-db';
import { HumanLogService } from '../src/core/logging/human-log.service';
import { HormigueroScanService } from '../src/modules/hormiguero/hormiguero-scan.service';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Finding {
  ant: string;
  kind: string;
  title: string;
  severity: string;
  detail: string;
  evidence: Record<string, unknown>;
}
interface ScanReport {
  ants: Array<{ ant: string; ok: boolean; error: string | null; findings: Finding[] }>;
  findings: Finding[];
}
interface Incident {
  id: string;
  kind: string;
  title: string;
  status: string;
}

/** Scans every ant once the queen is scheduling them (short, for the deactivation check). */
const INTERVAL_SEC = 0.4;

describe('hormiguero (queen, ants, incidents, actions with approval)', () => {
  let t: TestApp;
  let cleanup: () => void;
  // A file of our own under the real config/ (created before boot: the first scan records it).
  const probeFile = join(PROJECT_ROOT, 'config', `.hormiguero-e2e-${process.pid}.json`);
  const probeLabel = `config/.hormiguero-e2e-${process.pid}.json`;
  const probeOriginal = JSON.stringify({ probe: 'original' });

  const openWindow = () =>
    t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'hormiguero', mode: 'hold', reason: 'hormiguero e2e' })
      .expect(200);
  const closeWindow = () =>
    t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
  const scan = async (ants?: string[]): Promise<ScanReport> =>
    (
      await t
        .http()
        .post('/hormiguero/scan/once')
        .set(t.auth)
        .send(ants ? { ants } : {})
        .expect(200)
    ).body as ScanReport;
  const incidents = async (status?: string): Promise<Incident[]> =>
    (
      await t
        .http()
        .get(`/hormiguero/incidents${status ? `?status=${status}` : ''}`)
        .set(t.auth)
        .expect(200)
    ).body.incidents as Incident[];
  const preview = (action: string, params?: object) =>
    t.http().post('/hormiguero/actions/preview').set(t.auth).send({ action, params });
  const apply = (preview_id: string, approval_token: string, approved_by?: string) =>
    t
      .http()
      .post('/hormiguero/actions/apply')
      .set(t.auth)
      .send({ preview_id, approval_token, ...(approved_by ? { approved_by } : {}) });

  beforeAll(async () => {
    writeFileSync(probeFile, probeOriginal);
    const cfg = configFileEnv({
      hormiguero: {
        scanIntervalSec: INTERVAL_SEC,
        antIntervalsSec: { fs_drift: INTERVAL_SEC, logs: INTERVAL_SEC },
        cleanScansToResolve: 2,
        // a shared test machine may be busy (other suites): load and event-loop lag from other
        // processes are not what this spec checks (hormiguero-pressure.e2e-spec.ts checks RSS)
        pressure: { loadPerCore: 64, lagP99Ms: 2000 },
      },
    });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env);
  });

  afterAll(async () => {
    await t?.close();
    cleanup?.();
    rmSync(probeFile, { force: true });
  });

  it('refuses every route while dormant (503 module_dormant)', async () => {
    const res = await t.http().get('/hormiguero/status').set(t.auth).expect(503);
    expect(res.body.error).toBe('module_dormant');
    await t.http().post('/hormiguero/scan/once').set(t.auth).send({}).expect(503);
    await t.http().post('/hormiguero/actions/preview').set(t.auth).send({}).expect(503);
  });

  it('wakes through a window; the queen schedules every ant and they scan', async () => {
    await openWindow();
    const status = await waitFor(async () => {
      const res = await t.http().get('/hormiguero/status').set(t.auth).expect(200);
      const ants = res.body.ants as Array<{ ant: string; last_run: unknown }>;
      return ants.every((a) => a.last_run) ? res.body : undefined;
    }, 15000);
    expect(status.scheduler_running).toBe(true);
    expect(status.ants.map((a: { ant: string }) => a.ant).sort()).toEqual(
      ['db', 'fs_drift', 'health', 'logs', 'pressure'].sort(),
    );
    expect(status.baseline.files).toBeGreaterThan(0);
    // each ant is a repeatable job on the hormiguero queue: the queue delivers scans
    await waitFor(async () => {
      const res = await t.http().get('/hormiguero/status').set(t.auth).expect(200);
      const ants = res.body.ants as Array<{ queued: boolean; last_run: { trigger: string } }>;
      return ants.every((a) => a.queued) && ants.some((a) => a.last_run.trigger === 'queue');
    }, 10000);
  });

  it('a scan with all ants on a healthy instance has no high findings', async () => {
    const report = await scan();
    expect(report.ants.map((a) => a.ant).sort()).toEqual(
      ['db', 'fs_drift', 'health', 'logs', 'pressure'].sort(),
    );
    for (const a of report.ants)
      expect({ ant: a.ant, ok: a.ok, error: a.error }).toEqual({
        ant: a.ant,
        ok: true,
        error: null,
      });
    const high = report.findings.filter((f) => ['high', 'critical'].includes(f.severity));
    expect(high).toEqual([]);
  });

  it('rejects unknown ants with a 400 naming the field', async () => {
    const res = await t
      .http()
      .post('/hormiguero/scan/once')
      .set(t.auth)
      .send({ ants: ['queen_bee'] })
      .expect(400);
    expect(res.body.error).toBe('validation_failed');
  });

  it('fs_drift: a changed file under config/ is reported, opens an incident, resolves once restored', async () => {
    writeFileSync(probeFile, JSON.stringify({ probe: 'tampered' }));
    const report = await scan(['fs_drift']);
    const drift = report.findings.find((f) => f.kind === 'fs_drift.drift');
    expect(drift).toBeDefined();
    expect(drift!.title).toBe('file drift in config');
    expect(drift!.severity).toBe('high');
    const changed = drift!.evidence.changed as Array<{ path: string; sha256: string }>;
    const mine = changed.find((c) => c.path === probeLabel);
    expect(mine?.sha256).toBe(
      createHash('sha256')
        .update(JSON.stringify({ probe: 'tampered' }))
        .digest('hex'),
    );
    const open = await incidents('open');
    const incident = open.find(
      (i) => i.kind === 'hormiguero.fs_drift' && i.title === 'file drift in config',
    );
    expect(incident).toBeDefined();

    writeFileSync(probeFile, probeOriginal);
    // the scheduled scans count too: poll until enough clean ones resolved it
    await waitFor(async () => {
      await scan(['fs_drift']);
      const all = await incidents();
      return all.find((i) => i.id === incident!.id)?.status === 'resolved';
    }, 15000);
  });

  it('POST /hormiguero/baseline records a new baseline the drift is measured against', async () => {
    writeFileSync(probeFile, JSON.stringify({ probe: 'accepted change' }));
    const res = await t.http().post('/hormiguero/baseline').set(t.auth).expect(200);
    expect(res.body.files).toBeGreaterThan(0);
    expect(res.body.roots.map((r: { kind: string }) => r.kind)).toContain('config');
    const report = await scan(['fs_drift']);
    expect(report.findings.filter((f) => f.kind === 'fs_drift.drift')).toEqual([]);
    writeFileSync(probeFile, probeOriginal);
    await t.http().post('/hormiguero/baseline').set(t.auth).expect(200);
  });

  it('acknowledges and resolves its incidents; foreign or unknown ids are 404', async () => {
    writeFileSync(probeFile, JSON.stringify({ probe: 'ack me' }));
    await scan(['fs_drift']);
    const incident = (await incidents('open')).find((i) => i.kind === 'hormiguero.fs_drift');
    expect(incident).toBeDefined();
    const acked = await t
      .http()
      .post(`/hormiguero/incidents/${incident!.id}/ack`)
      .set(t.auth)
      .expect(200);
    expect(acked.body.status).toBe('acknowledged');
    const resolved = await t
      .http()
      .post(`/hormiguero/incidents/${incident!.id}/resolve`)
      .set(t.auth)
      .send({ note: 'expected change' })
      .expect(200);
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.resolved_by).toBe('operator');
    writeFileSync(probeFile, probeOriginal);
    await t.http().post('/hormiguero/baseline').set(t.auth).expect(200);
    await t
      .http()
      .post('/hormiguero/incidents/0123456789abcdef01234567/ack')
      .set(t.auth)
      .expect(404);
    await t.http().post('/hormiguero/incidents/nope/ack').set(t.auth).expect(400);
  });

  it('the incident self-test (manifestator gate) opens and resolves a synthetic finding', async () => {
    const result = await t.get(HormigueroScanService).selfTest();
    expect(result).toMatchObject({ ok: true, opened: true, resolved_after_scans: 2 });
  });

  describe('actions with approval', () => {
    it('rotate_logs: preview lists the files; apply rotates them; the token works once', async () => {
      const humanLog = t.get(HumanLogService);
      humanLog.write('alerts', 'TEST', 'a line before rotation');
      humanLog.write('architect', 'TEST', 'another line before rotation');
      const p = await preview('rotate_logs').expect(200);
      const files = (p.body.plan.files as Array<{ file: string; bytes: number }>).map(
        (f) => f.file,
      );
      expect(files).toEqual(
        expect.arrayContaining([
          join(t.config.logsDir, 'alerts.log'),
          join(t.config.logsDir, 'architect.log'),
        ]),
      );
      expect(p.body.approval_token).toEqual(expect.any(String));
      // stored as its sha256 only
      const row = nativeDb(t.get(DataSource))
        .prepare('SELECT * FROM hormiguero_action_previews WHERE id = ?')
        .get(p.body.preview_id) as Record<string, unknown>;
      expect(row.token_sha256).toBe(
        createHash('sha256').update(p.body.approval_token).digest('hex'),
      );
      expect(JSON.stringify(row)).not.toContain(p.body.approval_token);

      const a = await apply(p.body.preview_id, p.body.approval_token, 'alice').expect(200);
      expect(a.body.status).toBe('applied');
      expect(a.body.applied_by).toMatch(/^alice@/);
      const rotated = a.body.result.rotated as Array<{ log: string; archive: string }>;
      expect(rotated.map((r) => r.log)).toEqual(expect.arrayContaining(['alerts', 'architect']));
      for (const r of rotated) expect(existsSync(r.archive)).toBe(true);
      const stored = nativeDb(t.get(DataSource))
        .prepare('SELECT applied_at, applied_by FROM hormiguero_action_previews WHERE id = ?')
        .get(p.body.preview_id) as { applied_at: string; applied_by: string };
      expect(stored.applied_at).toBe(a.body.applied_at);
      expect(stored.applied_by).toBe(a.body.applied_by);

      const again = await apply(p.body.preview_id, p.body.approval_token).expect(403);
      expect(again.body.error).toBe('approval_refused');
    });

    it('a token from another preview, an unknown preview or an expired one → 403', async () => {
      const one = await preview('wal_checkpoint').expect(200);
      const two = await preview('wal_checkpoint').expect(200);
      await apply(one.body.preview_id, two.body.approval_token).expect(403);
      await apply('00000000-0000-4000-8000-000000000000', one.body.approval_token).expect(403);
      nativeDb(t.get(DataSource))
        .prepare('UPDATE hormiguero_action_previews SET expires_at = ? WHERE id = ?')
        .run(new Date(Date.now() - 1000).toISOString(), two.body.preview_id);
      const expired = await apply(two.body.preview_id, two.body.approval_token).expect(403);
      expect(expired.body.message).toMatch(/expired/);
      // the refused attempts did not use up the first approval
      const ok = await apply(one.body.preview_id, one.body.approval_token).expect(200);
      expect(ok.body.status).toBe('applied');
      expect(ok.body.result).toMatchObject({ mode: 'TRUNCATE', busy: false });
    });

    it('anything outside the allowlist is 422 naming it; bad params are 400', async () => {
      const res = await preview('rm_rf', {}).expect(422);
      expect(res.body.error).toBe('action_not_allowed');
      expect(res.body.allowlist).toEqual([
        'rotate_logs',
        'prune_backup_archive',
        'prune_health_history',
        'wal_checkpoint',
      ]);
      expect(res.body.message).toContain('rotate_logs');
      expect((await preview('rotate_logs', { logs: ['passwd'] }).expect(400)).body.error).toBe(
        'invalid_params',
      );
      await preview('prune_health_history', { older_than_days: -1 }).expect(400);
      await preview('wal_checkpoint', { extra: 1 }).expect(400);
      await t.http().post('/hormiguero/actions/apply').set(t.auth).send({}).expect(400);
    });

    it('prune_health_history previews the rows and deletes exactly those', async () => {
      const db = nativeDb(t.get(DataSource));
      const old = new Date(Date.now() - 400 * 24 * 3600 * 1000).toISOString();
      const insert = db.prepare(
        "INSERT INTO health_history (module, ok, latency_ms, detail, checked_at) VALUES ('madre', 1, 1, 'old', ?)",
      );
      for (let i = 0; i < 3; i++) insert.run(old);
      const p = await preview('prune_health_history', { older_than_days: 365 }).expect(200);
      expect(p.body.plan.rows).toBe(3);
      const a = await apply(p.body.preview_id, p.body.approval_token).expect(200);
      expect(a.body.result.deleted).toBe(3);
      const left = db
        .prepare("SELECT COUNT(*) AS n FROM health_history WHERE detail = 'old'")
        .get() as { n: number };
      expect(left.n).toBe(0);
    });

    it('prune_backup_archive lists old archived backups and deletes them', async () => {
      const archived = join(t.config.dataDir, 'backups', 'archived');
      mkdirSync(archived, { recursive: true });
      const name = 'vx11_20200101_000000.db';
      writeFileSync(join(archived, name), 'old backup');
      const p = await preview('prune_backup_archive').expect(200);
      const files = (p.body.plan.files as Array<{ file: string }>).map((f) => f.file);
      expect(files).toContain(join(archived, name));
      await apply(p.body.preview_id, p.body.approval_token).expect(200);
      expect(readdirSync(archived)).not.toContain(name);
    });
  });

  it('deactivating stops every ant: no scan runs over two intervals after', async () => {
    const scanner = t.get(HormigueroScanService);
    const before = scanner.scanCount;
    await waitFor(() => scanner.scanCount > before + 5, 10000); // the queen is sending ants
    await closeWindow();
    const stopped = scanner.scanCount;
    await new Promise((r) => setTimeout(r, 2.5 * INTERVAL_SEC * 1000 + 500));
    expect(scanner.scanCount).toBe(stopped);
    await t.http().get('/hormiguero/status').set(t.auth).expect(503);
  });
});
