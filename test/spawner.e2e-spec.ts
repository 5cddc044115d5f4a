import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { databasePath } from '../src/core/database/data-source-options';
import { isAlive } from '../src/modules/spawner/process-tree';
import { SpawnerLifecycle } from '../src/modules/spawner/spawner.lifecycle';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { configFileEnv } from './support/config-file';
import { bootApp, TEST_TOKEN, TestApp, waitFor } from './support/test-app';

type Run = Record<string, unknown> & { run_id: string; status: string; pid: number | null };

const CAP = 65536;
const FINAL = ['completed', 'failed', 'timeout', 'killed'];

/** A node script that starts a detached grandchild (own session and group) and prints its pid. */
const FORKS_A_GRANDCHILD =
  "const c=require('child_process').spawn('sleep',['30'],{detached:true,stdio:'ignore'});" +
  "console.log('grandchild '+c.pid);setInterval(()=>{},1000);";

/** waitFor, typed for checks that answer "not yet" with undefined, null or false. */
const until = <T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000) =>
  waitFor(check, timeoutMs) as Promise<T>;

/** Spawner test programs: the defaults plus node, which the tests need for themselves. */
const programs = { node: process.execPath, missing: '/nonexistent/vx11-test-program' };

describe('spawner (real processes)', () => {
  let t: TestApp;
  let cleanup: () => void;

  const post = (body: object) => t.http().post('/spawner/runs').set(t.auth).send(body);
  const start = async (body: object): Promise<Run> => {
    const res = await post(body).expect(201);
    return res.body as Run;
  };
  const get = async (id: string): Promise<Run> =>
    (await t.http().get(`/spawner/runs/${id}`).set(t.auth).expect(200)).body as Run;
  const ended = (id: string, timeoutMs = 10000) =>
    until(async () => {
      const run = await get(id);
      return FINAL.includes(run.status) ? run : undefined;
    }, timeoutMs);
  const gone = (pid: number) => waitFor(() => !isAlive(pid), 5000);
  const spawnEvents = async (runId: string) => {
    const res = await t
      .http()
      .get('/operator/api/events?type=spawn.*&limit=500')
      .set(t.auth)
      .expect(200);
    return (res.body.events as Array<{ type: string; payload: Record<string, unknown> }>)
      .filter((e) => e.payload.run_id === runId)
      .reverse(); // oldest first
  };
  const openWindow = () =>
    t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'spawner', mode: 'hold', reason: 'spawner e2e' })
      .expect(200);

  beforeAll(async () => {
    const file = configFileEnv({ spawner: { programs, killGraceMs: 1000, limits: { cpuSec: 7 } } });
    cleanup = file.cleanup;
    t = await bootApp(file.env);
  });
  // Closing the app deactivates spawner, which kills whatever a failed test left running.
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  it('answers 503 module_dormant while spawner is not active', async () => {
    const res = await post({ program: 'echo', args: ['x'] }).expect(503);
    expect(res.body).toMatchObject({ error: 'module_dormant', module: 'spawner' });
    await openWindow();
  });

  it('runs echo hello to completion with exit code 0 and stdout "hello\\n"', async () => {
    const res = await post({ program: 'echo', args: ['hello'] })
      .set('x-correlation-id', 'spawn-echo-1')
      .expect(201);
    expect(res.body).toMatchObject({
      run_id: expect.any(String),
      status: expect.stringMatching(/^(running|completed)$/),
      pid: expect.any(Number),
      started_at: expect.stringMatching(/Z$/),
      deadline: expect.stringMatching(/Z$/),
    });
    const run = await ended(res.body.run_id);
    expect(run).toMatchObject({
      status: 'completed',
      exit_code: 0,
      signal: null,
      stdout: 'hello\n',
      stderr: '',
      stdout_truncated: false,
      correlation_id: 'spawn-echo-1',
      limits: { applied: true, cpu_sec: 7 },
    });
    expect(run.duration_ms).toEqual(expect.any(Number));
  });

  it('announces a run on the event feeds: started, output, finished', async () => {
    const run = await start({ program: 'echo', args: ['on the feed'] });
    await ended(run.run_id);
    const events = await until(async () => {
      const list = await spawnEvents(run.run_id);
      return list.some((e) => e.type === 'spawn.finished') ? list : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['spawn.started', 'spawn.output', 'spawn.finished']);
    expect(events[1].payload).toMatchObject({ stream: 'stdout', data: 'on the feed\n', offset: 0 });
    expect(events[2].payload).toMatchObject({ status: 'completed', exit_code: 0 });
  });

  it('ends sleep 30 with ttl_sec 1 as timeout within 2 s, its process gone', async () => {
    const run = await start({ program: 'sleep', args: ['30'], ttl_sec: 1 });
    const done = await ended(run.run_id, 5000);
    expect(done).toMatchObject({
      status: 'timeout',
      kill_reason: 'ttl_expired',
      signal: 'SIGTERM',
    });
    expect(done.duration_ms as number).toBeLessThan(2000);
    expect(isAlive(run.pid!)).toBe(false);
  });

  it('kills the whole family through POST …/kill: child and detached grandchild', async () => {
    const run = await start({ program: 'node', args: ['-e', FORKS_A_GRANDCHILD] });
    const live = await until(async () => {
      const view = await get(run.run_id);
      return /grandchild (\d+)/.exec(String(view.stdout ?? ''));
    });
    const grandchild = Number(live[1]);
    expect(isAlive(run.pid!)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);

    const killed = await t.http().post(`/spawner/runs/${run.run_id}/kill`).set(t.auth).expect(200);
    expect(killed.body).toMatchObject({ status: 'killed', kill_reason: 'operator_kill' });
    await gone(run.pid!);
    await gone(grandchild);

    const again = await t.http().post(`/spawner/runs/${run.run_id}/kill`).set(t.auth).expect(200);
    expect(again.body).toMatchObject({ status: 'killed', kill_reason: 'operator_kill' });
  });

  it('refuses a program outside the allowlist with 422 naming the allowed ones', async () => {
    const res = await post({ program: 'rm', args: ['-rf', '/'] }).expect(422);
    expect(res.body).toMatchObject({ error: 'program_not_allowed', status_code: 422 });
    expect(res.body.message).toContain('echo');
    expect(res.body.allowed).toEqual(expect.arrayContaining(['echo', 'sleep', 'node']));
  });

  it('passes "; rm -rf /" as one literal argument: echo prints it, nothing is interpreted', async () => {
    const run = await start({ program: 'echo', args: ['; rm -rf /', '$(id)', '`id`', '&&', '|'] });
    const done = await ended(run.run_id);
    expect(done.stdout).toBe('; rm -rf / $(id) `id` && |\n');
  });

  it('caps 10 MB of output at the limit with truncated: true, feed included', async () => {
    const run = await start({
      program: 'node',
      args: ['-e', 'process.stdout.write(Buffer.alloc(10 * 1024 * 1024, 120))'],
    });
    const done = await ended(run.run_id, 20000);
    expect(done).toMatchObject({
      status: 'completed',
      stdout_bytes: 10 * 1024 * 1024,
      stdout_truncated: true,
      stderr_truncated: false,
    });
    expect((done.stdout as string).length).toBe(CAP);
    const listed = await t.http().get('/spawner/runs?limit=5').set(t.auth).expect(200);
    expect(listed.body.runs[0]).not.toHaveProperty('stdout');
    // The live tail carries only the kept part too.
    const events = await until(async () => {
      const list = await spawnEvents(run.run_id);
      return list.some((e) => e.type === 'spawn.finished') ? list : undefined;
    });
    const tail = events
      .filter((e) => e.type === 'spawn.output')
      .reduce((n, e) => n + String(e.payload.data).length, 0);
    expect(tail).toBe(CAP);
  });

  it('refuses the run above maxConcurrent with 429', async () => {
    const runs: Run[] = [];
    for (let i = 0; i < 4; i += 1) runs.push(await start({ program: 'sleep', args: ['30'] }));
    const refused = await post({ program: 'sleep', args: ['30'] }).expect(429);
    expect(refused.body).toMatchObject({ error: 'too_many_runs', max_concurrent: 4 });
    expect(refused.body.message).toContain('maxConcurrent is 4');
    for (const run of runs) {
      await t.http().post(`/spawner/runs/${run.run_id}/kill`).set(t.auth).expect(200);
      expect(isAlive(run.pid!)).toBe(false);
    }
  });

  it('applies prlimit limits to the run', async () => {
    const run = await start({ program: 'sleep', args: ['30'] });
    // prlimit sets the limits on itself, then execs the program (same pid).
    await waitFor(() =>
      /Max cpu time\s+7\s+7\s+seconds/.test(readFileSync(`/proc/${run.pid}/limits`, 'utf8')),
    );
    await t.http().post(`/spawner/runs/${run.run_id}/kill`).set(t.auth).expect(200);
  });

  it('keeps cwd inside the work root and env to the allowlist (400 otherwise)', async () => {
    const outside = await post({ program: 'echo', cwd: '../..' }).expect(400);
    expect(outside.body.error).toBe('cwd_outside_work_root');
    await post({ program: 'echo', cwd: '/etc' }).expect(400);
    const env = await post({ program: 'echo', env: { LD_PRELOAD: '/tmp/x.so' } }).expect(400);
    expect(env.body).toMatchObject({ error: 'env_not_allowed' });
    expect(env.body.message).toContain('LD_PRELOAD');
    await post({ program: 'echo', env: { NODE_OPTIONS: '--require /tmp/x' } }).expect(400);
    await post({ program: 'echo', ttl_sec: 999999 }).expect(400);

    const run = await start({
      program: 'node',
      args: ['-e', 'console.log(process.cwd(), process.env.TZ, process.env.VX11_TOKEN)'],
      env: { TZ: 'UTC' },
    });
    const done = await ended(run.run_id);
    expect(done.stdout).toBe(`${realpathSync(t.config.spawner.workRoot!)} UTC undefined\n`);
  });

  it('lists runs newest first, paged, filtered by status', async () => {
    const page = await t.http().get('/spawner/runs?limit=2&offset=0').set(t.auth).expect(200);
    expect(page.body.runs).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    const next = await t.http().get('/spawner/runs?limit=2&offset=2').set(t.auth).expect(200);
    expect(next.body.runs[0].run_id).not.toBe(page.body.runs[0].run_id);
    const timeouts = await t.http().get('/spawner/runs?status=timeout').set(t.auth).expect(200);
    expect(timeouts.body.runs.length).toBeGreaterThan(0);
    expect(timeouts.body.runs.every((r: Run) => r.status === 'timeout')).toBe(true);
    await t.http().get('/spawner/runs?status=bogus').set(t.auth).expect(400);
    await t.http().get('/spawner/runs/not-a-uuid').set(t.auth).expect(400);
    await t
      .http()
      .get('/spawner/runs/00000000-0000-4000-8000-000000000000')
      .set(t.auth)
      .expect(404);
  });

  it('counts runs by status, kills by reason and output bytes in /metrics', async () => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    expect(text).toMatch(/vx11_spawner_runs_total\{status="completed"\} [1-9]/);
    expect(text).toMatch(/vx11_spawner_runs_total\{status="timeout"\} [1-9]/);
    expect(text).toMatch(/vx11_spawner_kills_total\{reason="operator_kill"\} [1-9]/);
    expect(text).toMatch(/vx11_spawner_output_bytes_total\{stream="stdout"\} \d{8}/);
    expect(text).toMatch(/vx11_spawner_runs_running 0/);
  });

  it('refuses POST /vx11/spawn with 403 while allowCode is false, saying how to enable it', async () => {
    const res = await t
      .http()
      .post('/vx11/spawn')
      .set(t.auth)
      .send({ task_type: 'node', code: 'console.log(1)', ttl_seconds: 5 })
      .expect(403);
    expect(res.body.error).toBe('code_execution_disabled');
    expect(res.body.message).toContain('spawner.allowCode');
    expect(res.body.message).toContain('runs anything');
  });

  it('records a program that cannot be started as failed, with why', async () => {
    const res = await post({ program: 'missing' }).expect(201);
    const run = await ended(res.body.run_id);
    expect(run).toMatchObject({ status: 'failed', exit_code: expect.any(Number) });
    expect(run.stderr).toContain('/nonexistent/vx11-test-program');
  });

  it('writes stdin to the program and closes it', async () => {
    const run = await start({
      program: 'node',
      args: ['-e', 'process.stdin.pipe(process.stdout)'],
      stdin: 'piped in\n',
    });
    expect(await ended(run.run_id)).toMatchObject({ status: 'completed', stdout: 'piped in\n' });
  });

  it('reports healthy while the reaper runs and no run is overdue', async () => {
    const health = await t.get(SpawnerLifecycle).health();
    expect(health).toMatchObject({ ok: true, data: { running: 0, max_concurrent: 4 } });
    expect(health.detail).toContain('reaper running');
  });

  it('kills running runs when the window closes (window_closed), then answers 503', async () => {
    const run = await start({ program: 'sleep', args: ['30'] });
    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
    // The close answers once spawner is off, which is after its runs were killed and recorded.
    expect(isAlive(run.pid!)).toBe(false);
    await t.http().get(`/spawner/runs/${run.run_id}`).set(t.auth).expect(503);
    expect(await t.get(SpawnerLifecycle).health()).toMatchObject({
      ok: false,
      detail: 'reaper not running',
    });
    const refused = await post({ program: 'echo', args: ['late'] }).expect(503);
    expect(refused.body).toMatchObject({ error: 'module_dormant', module: 'spawner' });
    await openWindow();
    expect(await get(run.run_id)).toMatchObject({ status: 'killed', kill_reason: 'window_closed' });
  });
});

describe('spawner across a crash of the process (node dist/src/main.js)', () => {
  beforeAll(assertBuilt);
  let dir: string;
  let child: ChildApp | undefined;
  let cfg: ReturnType<typeof configFileEnv>;
  let t: TestApp | undefined;
  let orphan: number | undefined;

  afterAll(async () => {
    await t?.close();
    if (child && !child.hasExited()) await child.stop();
    if (child) await deleteQueueKeys(child.env.REDIS_URL!, child.env.VX11_QUEUE_PREFIX!);
    if (orphan && isAlive(orphan)) process.kill(orphan, 'SIGKILL'); // only if the test failed
    cfg?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('marks a run in flight killed/process_restarted at boot and kills its process group', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-spawner-crash-'));
    cfg = configFileEnv({ spawner: { programs, allowCode: true } });
    child = spawnApp(childEnv(dir, { VX11_TOKEN: TEST_TOKEN, ...cfg.env }));
    const port = await child.waitForListening();
    const http = () => request(`http://127.0.0.1:${port}`);
    const auth = { 'x-vx11-token': TEST_TOKEN };
    await http()
      .post('/madre/power/window/open')
      .set(auth)
      .send({ service: 'spawner', mode: 'hold', reason: 'crash test' })
      .expect(200);
    const run = (
      await http()
        .post('/spawner/runs')
        .set(auth)
        .send({ program: 'sleep', args: ['30'] })
        .expect(201)
    ).body as Run;
    orphan = run.pid!;
    expect(isAlive(orphan)).toBe(true);

    child.child.kill('SIGKILL'); // no shutdown hook runs: the run stays "running" in the table
    await child.exited;
    expect(isAlive(orphan)).toBe(true); // its own process group survived the server

    t = await bootApp(cfg.env, dir);
    await waitFor(() => !isAlive(orphan!), 5000);
    const res = await t.http().get(`/spawner/runs/${run.run_id}`).set(t.auth).expect(200);
    expect(res.body).toMatchObject({ status: 'killed', kill_reason: 'process_restarted' });
    expect(res.body.error).toContain('killed 1 leftover');
  });

  it('runs code through POST /vx11/spawn when allowCode is true and returns its output', async () => {
    const res = await t!
      .http()
      .post('/vx11/spawn')
      .set(t!.auth)
      .send({
        task_type: 'node',
        code: 'console.log(6 * 7); console.error("to stderr")',
        ttl_seconds: 10,
      })
      .expect(200);
    expect(res.body).toMatchObject({
      task_type: 'node',
      status: 'completed',
      exit_code: 0,
      stdout: '42\n',
      stderr: 'to stderr\n',
      program: 'node',
      source: 'code_alias',
    });
    expect(res.body.args[0]).toBe('-e');
    const bash = await t!
      .http()
      .post('/vx11/spawn')
      .set(t!.auth)
      .send({ task_type: 'bash', code: 'echo hi' })
      .expect(403);
    expect(bash.body.message).toContain('no bash in spawner.programs');
    // Without prlimit in front (no limits here), a missing executable fails at spawn itself.
    const missing = await t!
      .http()
      .post('/spawner/runs')
      .set(t!.auth)
      .send({ program: 'missing' })
      .expect(201);
    expect(missing.body).toMatchObject({ status: 'failed', pid: null });
    const failed = await t!.http().get(`/spawner/runs/${missing.body.run_id}`).set(t!.auth);
    expect(failed.body.error).toMatch(/could not start: .*ENOENT/);
  });

  it('kills running runs with reason server_shutdown when VX11 shuts down cleanly', async () => {
    const run = (
      await t!
        .http()
        .post('/spawner/runs')
        .set(t!.auth)
        .send({ program: 'sleep', args: ['30'] })
        .expect(201)
    ).body as Run;
    await t!.close();
    t = undefined;
    expect(isAlive(run.pid!)).toBe(false);
    const db = new Database(databasePath(join(dir, 'data')), { readonly: true });
    try {
      expect(
        db.prepare('SELECT status, kill_reason FROM spawner_runs WHERE id = ?').get(run.run_id),
      ).toEqual({ status: 'killed', kill_reason: 'server_shutdown' });
    } finally {
      db.close();
    }
  });
});
