import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths } from '../src/modules/madre/maintenance/data-paths';
import { childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { assertCliBuilt, runCli } from './support/cli';
import { bootApp, TEST_TOKEN, testEnv } from './support/test-app';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** XORs every byte after the first page: the kind of damage a bad disk or copy does. */
function flipBytes(file: string): void {
  const bytes = readFileSync(file);
  for (let i = 4096; i < bytes.length; i += 7) bytes[i] ^= 0xff;
  writeFileSync(file, bytes);
}

describe('the vx11 CLI', () => {
  beforeAll(assertCliBuilt);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-cli-'));
    env = { PATH: process.env.PATH, HOME: process.env.HOME ?? dir, ...testEnv(dir) };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const chat = async (t: Awaited<ReturnType<typeof bootApp>>, message: string) =>
    (await t.http().post('/operator/api/chat').set(t.auth).send({ message }).expect(200)).body
      .session_id as string;

  it('restores a verified backup: data from before it comes back, data after it is gone', async () => {
    const paths = dataPaths(join(dir, 'data'));
    const t = await bootApp({}, dir);
    let before: string;
    let after: string;
    let backup: string;
    try {
      before = await chat(t, 'written before the backup');
      const run = await t.http().post('/madre/power/maintenance/post_task').set(t.auth).expect(200);
      expect(run.body.status).toBe('ok');
      backup = run.body.report.backup.name;
      after = await chat(t, 'written after the backup');

      const refused = await runCli(['restore', backup], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`Refusing to restore: VX11 is running on .* \\(pid ${process.pid}, started `),
      );
    } finally {
      await t.close();
    }
    expect(existsSync(paths.pidFile)).toBe(false);

    const liveSha = sha(paths.dbFile);
    // flipped bytes with the checksum beside it: the checksum refuses it
    const flipped = join(dir, 'vx11_20260101_000000.db');
    copyFileSync(join(paths.backupsDir, backup), flipped);
    copyFileSync(join(paths.backupsDir, `${backup}.sha256`), `${flipped}.sha256`);
    flipBytes(flipped);
    const bySum = await runCli(['restore', flipped], env);
    expect(bySum.code).toBe(1);
    expect(bySum.stderr).toMatch(/Refusing to restore .*SHA-256 [0-9a-f]{64} does not match/);
    // the same damage without a checksum file: integrity_check refuses it
    rmSync(`${flipped}.sha256`);
    const byCheck = await runCli(['restore', flipped], env);
    expect(byCheck.code).toBe(1);
    expect(byCheck.stderr).toMatch(/Refusing to restore .*failed verification/);
    expect(sha(paths.dbFile)).toBe(liveSha);
    expect(existsSync(`${paths.dbFile}.restore.tmp`)).toBe(false);

    const restored = await runCli(['restore', backup], env);
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(restored.stdout).toContain(
      `restored ${paths.dbFile} from ${join(paths.backupsDir, backup)}`,
    );
    expect(restored.stdout).toContain('sha256 ok, integrity_check ok');
    const safety = readdirSync(paths.safetyDir);
    expect(safety).toHaveLength(1);
    expect(readdirSync(join(paths.safetyDir, safety[0]))).toContain('vx11.db');
    expect(readFileSync(join(dir, 'logs', 'architect.log'), 'utf8')).toMatch(
      new RegExp(`\\] RESTORE: .*restored from ${backup}; safety copy `),
    );

    const again = await bootApp({}, dir);
    try {
      await again.http().get(`/operator/session/${before}`).set(again.auth).expect(200);
      await again.http().get(`/operator/session/${after}`).set(again.auth).expect(404);
    } finally {
      await again.close();
    }
  });

  it('checks, backs up, lists, reports status and runs maintenance on a stopped server', async () => {
    const t = await bootApp({}, dir);
    await chat(t, 'something to keep');
    await t.close();

    const check = await runCli(['db-check'], env);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/✓ quick_check: ok/);
    expect(check.stdout).toMatch(/✓ integrity_check: ok/);
    expect(check.stdout).toMatch(/✓ foreign_key_check: 0 violation/);

    const backup = await runCli(['backup'], env);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^backup .*vx11_\d{8}_\d{6}(-\d+)?\.db$/m);
    expect(backup.stdout).toContain('integrity_check ok');

    const maintenance = await runCli(['maintenance', '--retention'], env);
    expect(maintenance.code).toBe(0);
    expect(maintenance.stdout).toMatch(/maintenance run \S+ \(offline\): ok, returncode 0/);
    expect(maintenance.stdout).toMatch(/✓ backup .*integrity_check ok/);

    const list = await runCli(['backups'], env);
    expect(list.code).toBe(0);
    expect(list.stdout.match(/^ {2}kept +vx11_/gm)).toHaveLength(2);

    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('server: not running on this data dir');
    expect(status.stdout).toMatch(/backups: 2 kept, 0 archived; newest vx11_/);
    expect(status.stdout).toMatch(/last maintenance: ok/);

    // the offline run's own backup, restored, holds that run as finished
    const runId = maintenance.stdout.match(/maintenance run (\S+) \(offline\)/)![1];
    const runBackup = maintenance.stdout.match(/✓ backup +\d+ ms {2}(vx11_\S+\.db)/)![1];
    expect((await runCli(['restore', runBackup], env)).code).toBe(0);
    const restored = await runCli(['status'], env);
    expect(restored.stdout).toContain(`last maintenance: ok (${runId}`);

    for (const run of [check, backup, maintenance, list, status]) {
      expect(run.stdout + run.stderr).not.toContain(TEST_TOKEN);
    }
  });

  it('talks to a running server: status and maintenance over HTTP, restore refused', async () => {
    const serverEnv = childEnv(dir, { VX11_LOG_LEVEL: 'warn' });
    const server = spawnApp(serverEnv);
    try {
      const port = await server.waitForListening();
      // no VX11_TOKEN here: the CLI reads the token file the server generated
      const cliEnv = {
        PATH: process.env.PATH,
        HOME: serverEnv.HOME,
        VX11_DATA_DIR: serverEnv.VX11_DATA_DIR,
        VX11_LOGS_DIR: serverEnv.VX11_LOGS_DIR,
      };
      const status = await runCli(['status'], cliEnv);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`server: running (pid ${server.child.pid}`);
      expect(status.stdout).toContain(`port ${port})`);
      expect(status.stdout).toMatch(/status (ok|degraded), mode solo_madre, policy solo_madre/);

      const maintenance = await runCli(['maintenance'], cliEnv);
      expect(maintenance.stderr).toBe('');
      expect(maintenance.code).toBe(0);
      expect(maintenance.stdout).toMatch(
        new RegExp(
          `maintenance run \\S+ \\(by the server, pid ${server.child.pid}\\): ok, returncode 0`,
        ),
      );
      const token = readFileSync(join(serverEnv.VX11_DATA_DIR!, '.vx11_token'), 'utf8').trim();
      expect(status.stdout + maintenance.stdout).not.toContain(token);

      // the real listener is part of tentaculo_link's health
      const cycle = await fetch(`http://127.0.0.1:${port}/madre/health/run`, {
        method: 'POST',
        headers: { 'x-vx11-token': token },
      });
      const gateway = (
        (await cycle.json()) as { results: Array<{ module: string; detail: string }> }
      ).results.find((r) => r.module === 'tentaculo_link');
      expect(gateway?.detail).toContain(`listening on :${port}`);

      const restore = await runCli(['restore', 'anything.db'], cliEnv);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain(
        `VX11 is running on ${serverEnv.VX11_DATA_DIR} (pid ${server.child.pid}`,
      );
    } finally {
      await server.stop();
      await deleteQueueKeys(serverEnv.REDIS_URL!, serverEnv.VX11_QUEUE_PREFIX!);
    }
    expect(existsSync(dataPaths(serverEnv.VX11_DATA_DIR!).pidFile)).toBe(false);
  });

  it('explains its usage and refuses unknown commands, missing files and bad config', async () => {
    const usage = await runCli([], env);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain('restore <file>');
    expect((await runCli(['explode'], env)).stderr).toContain('unknown command "explode"');
    expect((await runCli(['restore'], env)).code).toBe(2);
    const missing = await runCli(['restore', 'vx11_19990101_000000.db'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No backup named vx11_19990101_000000.db');
    const noDb = await runCli(['db-check'], env);
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toContain('No database at');
    const badConfig = await runCli(['status'], { ...env, VX11_PORT: 'abc' });
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toContain('VX11_PORT');
  });
});
