import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths } from '../src/modules/madre/maintenance/data-paths';
import { ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { assertCliBuilt, runCli } from './support/cli';
import { waitFor } from './support/test-app';

const mode = (path: string) => statSync(path).mode & 0o777;
const modes = (paths: string[]) => Object.fromEntries(paths.map((p) => [p, mode(p).toString(8)]));

/**
 * One process per data dir (issue 10, items 9–11): a second server on a live data dir refuses
 * and touches nothing; the CLI sees the first one and will not restore under it; the lock dies
 * with its holder (kill -9); a restored maintenance backup shows its run finished; the data and
 * logs are owner-only.
 */
describe('the data dir belongs to one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vx11-lock-'));
  const env = childEnv(dir);
  const paths = dataPaths(env.VX11_DATA_DIR!);
  const logsDir = env.VX11_LOGS_DIR!;
  // the CLI finds the server and its token through the data dir alone
  const cliEnv = {
    PATH: process.env.PATH,
    HOME: env.HOME,
    VX11_DATA_DIR: env.VX11_DATA_DIR,
    VX11_LOGS_DIR: logsDir,
  };
  const children: ChildApp[] = [];
  const start = (extra: Record<string, string> = {}) => {
    const child = spawnApp({ ...env, ...extra });
    children.push(child);
    return child;
  };
  let first: ChildApp;
  let port: number;
  let token: string;
  let backup: string;
  let runId: string;

  beforeAll(async () => {
    assertCliBuilt();
    // what an older version left under umask 022
    mkdirSync(paths.dataDir, { recursive: true });
    mkdirSync(logsDir, { recursive: true });
    chmodSync(paths.dataDir, 0o755);
    chmodSync(logsDir, 0o755);
    first = start();
    port = await first.waitForListening();
    token = readFileSync(join(paths.dataDir, '.vx11_token'), 'utf8').trim();
    const run = await fetch(`http://127.0.0.1:${port}/madre/power/maintenance/post_task`, {
      method: 'POST',
      headers: { 'x-vx11-token': token },
    });
    const body = (await run.json()) as {
      status: string;
      job_id: string;
      report: { backup: { name: string } };
    };
    expect(body.status).toBe('ok');
    backup = body.report.backup.name;
    runId = body.job_id;
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await deleteQueueKeys(env.REDIS_URL!, env.VX11_QUEUE_PREFIX!);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second server on the live data dir at once, touching nothing', async () => {
    const pidFile = readFileSync(paths.pidFile, 'utf8');
    const tokenFile = join(paths.dataDir, '.vx11_token');
    const tokenBefore = readFileSync(tokenFile, 'utf8');
    // a second `npm start` on the same config: same data dir, same port
    const second = start({ VX11_PORT: String(port) });
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.stderr()).toContain(
      `Refusing to start: ${paths.dataDir} is in use by a VX11 server (pid ${first.child.pid}, started `,
    );
    expect(second.stderr()).not.toMatch(/EADDRINUSE|taking the lock over/);
    expect(readFileSync(paths.pidFile, 'utf8')).toBe(pidFile);
    expect(readFileSync(tokenFile, 'utf8')).toBe(tokenBefore);
    expect(first.hasExited()).toBe(false);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });

  it('keeps the lock with the first server: status says running, restore and a second start refuse', async () => {
    const status = await runCli(['status'], cliEnv);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`server: running (pid ${first.child.pid}`);
    expect(status.stdout).toContain(`port ${port})`);

    const dbInode = statSync(paths.dbFile).ino; // a restore renames another file over it
    const restore = await runCli(['restore', backup], cliEnv);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(
      `Refusing to restore: VX11 is running on ${paths.dataDir} (pid ${first.child.pid}`,
    );
    expect(statSync(paths.dbFile).ino).toBe(dbInode);
    expect(existsSync(paths.safetyDir)).toBe(false);

    // on another port the port check cannot help: the lock alone refuses it
    const third = start();
    expect((await third.exited).code).toBe(1);
    expect(third.stderr()).toContain(`(pid ${first.child.pid}, started `);
  });

  it('makes the data dir, database, WAL, backups and logs owner-only', () => {
    const backupFile = join(paths.backupsDir, backup);
    const dirs = [paths.dataDir, paths.backupsDir, logsDir];
    const files = [
      paths.dbFile,
      `${paths.dbFile}-wal`,
      `${paths.dbFile}-shm`,
      paths.lockFile,
      paths.pidFile,
      backupFile,
      `${backupFile}.sha256`,
      ...readdirSync(logsDir).map((name) => join(logsDir, name)),
    ];
    expect(files).toContain(join(logsDir, 'architect.log'));
    expect(modes(dirs)).toEqual(Object.fromEntries(dirs.map((d) => [d, '700'])));
    expect(modes(files)).toEqual(Object.fromEntries(files.map((f) => [f, '600'])));
  });

  it('frees the lock when the server is killed -9: restore works, its run shows finished, a new server starts', async () => {
    first.child.kill('SIGKILL');
    await first.exited;

    const stopped = await runCli(['status'], cliEnv);
    expect(stopped.stdout).toContain('server: not running on this data dir');

    const restore = await runCli(['restore', backup], cliEnv);
    expect(restore).toMatchObject({ code: 0, stderr: '' });
    const [safety] = readdirSync(paths.safetyDir);
    const safetyDir = join(paths.safetyDir, safety);
    expect(mode(safetyDir)).toBe(0o700);
    for (const name of readdirSync(safetyDir)) expect(mode(join(safetyDir, name))).toBe(0o600);
    expect(mode(paths.dbFile)).toBe(0o600);

    // the backup was taken by run `runId`: restored, that run is finished, not running
    const restored = await runCli(['status'], cliEnv);
    expect(restored.stdout).toContain(`last maintenance: ok (${runId}`);

    const next = start();
    const nextPort = await next.waitForListening();
    const job = await fetch(`http://127.0.0.1:${nextPort}/madre/power/maintenance/jobs/${runId}`, {
      headers: { 'x-vx11-token': token },
    });
    expect(await job.json()).toMatchObject({ status: 'ok', returncode: 0, job_id: runId });
    const running = await runCli(['status'], cliEnv);
    expect(running.stdout).toContain(`server: running (pid ${next.child.pid}`);

    expect((await next.stop()).code).toBe(0);
    await waitFor(() => !existsSync(paths.pidFile));
    expect(existsSync(paths.lockFile)).toBe(true); // kept: the lock is the OS's, not the file's
  });
});
