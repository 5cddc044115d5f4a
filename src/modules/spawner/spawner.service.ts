import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { AppConfig, SpawnerConfig } from '../../core/config/app-config';
import { withCorrelationId } from '../../core/correlation/correlation';
import { ApiError } from '../../core/errors/api-error';
import { EventBus, Severity } from '../../core/events/event-bus.service';
import { WAKE_HINT } from '../../core/registry/module-active.guard';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { ActiveRun, RunOutcome } from './active-run';
import { LiveOutput } from './live-output';
import { checkEnvOverlay, runEnvironment } from './run-env';
import { prlimitAvailable } from './run-launcher';
import { RunView, viewOfRun } from './run-view';
import { SpawnerMetrics } from './spawner-metrics';
import { KillReason, RunSource, RunStatus, SpawnerRunEntity } from './spawner-run.entity';
import { SpawnerRunStore } from './spawner-run.store';
import { resolveRunCwd } from './work-dir';
import { CoreErrors } from '../../core/errors/core-errors';
import { SpawnerErrors } from './spawner-errors';

/** What a caller asks to run (POST /spawner/runs, madre's SPAWNER_REQUEST steps). */
export interface StartRunRequest {
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  ttl_sec?: number;
  name?: string;
}

export interface RunList {
  runs: RunView[];
  total: number;
  limit: number;
  offset: number;
  status: RunStatus | null;
}

interface Tracked {
  run: ActiveRun;
  row: SpawnerRunEntity;
  live: LiveOutput;
  /** Row writes of this run, in order (the final one must not be overtaken by "running"). */
  writes: Promise<void>;
}

const MAX_ARGS = 256;
const MAX_ARG_CHARS = 8192;
/** Beyond the grace period, how long a kill waits for the run to be recorded as ended. */
const KILL_WAIT_SLACK_MS = 3000;

/**
 * The spawner's rules: only allowlisted programs, argv only, a cwd inside the work root, an env
 * overlay from the allowlist, at most `maxConcurrent` at once, each ended by its TTL at the
 * latest — and every run recorded, with its capped output, and announced on the event bus.
 */
@Injectable()
export class SpawnerService {
  private readonly logger = new Logger('Spawner');
  private readonly active = new Map<string, Tracked>();
  private accepting = false;
  readonly prlimit = prlimitAvailable();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly events: EventBus,
    private readonly metrics: SpawnerMetrics,
    private readonly store: SpawnerRunStore,
  ) {}

  private get settings(): SpawnerConfig {
    return this.config.spawner;
  }

  get workRoot(): string {
    return this.settings.workRoot!;
  }

  /** Runs started and not yet ended. */
  get runningCount(): number {
    return this.active.size;
  }

  /** Called by the lifecycle on activation: the work root exists, runs are accepted. */
  async open(): Promise<void> {
    await mkdir(this.workRoot, { recursive: true });
    this.accepting = true;
  }

  /**
   * Starts a run and answers once its process exists (or failed to). 503 while spawner is not
   * active, 422 for a program outside the allowlist, 400 for a bad ttl/env/cwd, 429 at the
   * concurrency limit.
   */
  async startRun(
    request: StartRunRequest,
    correlationId: string | null,
    source: RunSource = 'intent',
  ): Promise<RunView> {
    this.assertAccepting();
    const executable = this.executableFor(request.program);
    const ttlSec = this.ttlFor(request.ttl_sec);
    const args = checkArgs(request.args);
    const overlay = checkEnvOverlay(request.env, this.settings.envAllowlist);
    const cwd = await resolveRunCwd(this.workRoot, request.cwd);
    // No await from the checks below to the reservation: the limit holds under concurrency.
    this.assertAccepting();
    if (this.active.size >= this.settings.maxConcurrent) {
      throw new ApiError(
        SpawnerErrors.too_many_runs,
        `${this.active.size} runs are already running (spawner.maxConcurrent is ${this.settings.maxConcurrent}); wait for one to end or kill one`,
        undefined,
        { running: this.active.size, max_concurrent: this.settings.maxConcurrent },
      );
    }
    const id = randomUUID();
    const row: SpawnerRunEntity = {
      id,
      name: request.name ?? null,
      program: request.program,
      executable,
      args,
      cwd,
      env_keys: Object.keys(overlay),
      stdin_bytes: request.stdin === undefined ? 0 : Buffer.byteLength(request.stdin),
      ttl_sec: ttlSec,
      source,
      status: 'pending',
      kill_reason: null,
      error: null,
      pid: null,
      proc_start: null,
      limits: null,
      exit_code: null,
      signal: null,
      created_at: new Date().toISOString(),
      started_at: null,
      deadline: null,
      finished_at: null,
      duration_ms: null,
      stdout: '',
      stderr: '',
      stdout_bytes: 0,
      stderr_bytes: 0,
      stdout_truncated: false,
      stderr_truncated: false,
      correlation_id: correlationId,
    };
    const tracked = this.track(row);
    try {
      await this.store.insert(row);
    } catch (err) {
      this.active.delete(id);
      this.metrics.setRunning(this.active.size);
      throw err;
    }
    const started = tracked.run.start(
      {
        executable,
        args,
        cwd,
        env: runEnvironment(overlay, id, this.workRoot),
        stdin: request.stdin,
        limits: this.settings.limits,
      },
      this.prlimit,
      ttlSec * 1000,
    );
    if (started.pid !== null) {
      Object.assign(row, {
        status: 'running',
        pid: started.pid,
        proc_start: started.procStart,
        limits: started.limits,
        started_at: new Date(started.startedAtMs).toISOString(),
        deadline: new Date(started.startedAtMs + ttlSec * 1000).toISOString(),
      });
      this.persist(tracked, {
        status: row.status,
        pid: row.pid,
        proc_start: row.proc_start,
        limits: row.limits,
        started_at: row.started_at,
        deadline: row.deadline,
      });
      this.emit(row, 'spawn.started', {
        name: row.name,
        program: row.program,
        args: row.args,
        cwd: row.cwd,
        pid: row.pid,
        ttl_sec: row.ttl_sec,
        deadline: row.deadline,
        source: row.source,
      });
    }
    // A program that could not be spawned has already ended: answer with that.
    await (started.pid === null ? this.recorded(tracked) : tracked.writes);
    return this.liveView(tracked, false);
  }

  /** Waits (bounded) for a run to end and returns it with its output. */
  async waitForEnd(id: string, timeoutMs: number): Promise<RunView> {
    const tracked = this.active.get(id);
    if (tracked) await withTimeout(this.recorded(tracked), timeoutMs);
    return this.get(id);
  }

  async list(status: RunStatus | undefined, limit: number, offset: number): Promise<RunList> {
    const page = await this.store.page(status, limit, offset);
    return {
      runs: page.rows.map((row) => {
        const tracked = this.active.get(row.id);
        return tracked ? this.liveView(tracked, false) : viewOfRun(row, false);
      }),
      total: page.total,
      limit,
      offset,
      status: status ?? null,
    };
  }

  /** One run with its output (live from memory while it runs). */
  async get(id: string): Promise<RunView> {
    const tracked = this.active.get(id);
    if (tracked) return this.liveView(tracked, true);
    const row = await this.store.find(id);
    if (!row) throw new ApiError(SpawnerErrors.run_not_found, `No spawner run with id ${id}`);
    return viewOfRun(row, true);
  }

  /**
   * Kills the run's processes (its whole group and any that left it) and answers once it has
   * ended. A run that already ended is returned as it is: killing is idempotent.
   */
  async kill(id: string, reason: KillReason = 'operator_kill'): Promise<RunView> {
    const tracked = this.active.get(id);
    if (tracked) {
      tracked.run.terminate(reason);
      await withTimeout(this.recorded(tracked), this.settings.killGraceMs + KILL_WAIT_SLACK_MS);
    }
    return this.get(id);
  }

  /**
   * Deactivation: refuses new runs, then kills every running one and waits for them to be
   * recorded, at most the grace period plus a margin.
   */
  async killAll(reason: KillReason): Promise<number> {
    this.accepting = false;
    const all = [...this.active.values()];
    for (const tracked of all) tracked.run.terminate(reason);
    await withTimeout(
      Promise.all(all.map((t) => this.recorded(t))),
      this.settings.killGraceMs + KILL_WAIT_SLACK_MS,
    );
    return all.length;
  }

  /** The reaper's round: TTLs and SIGKILL escalations whose timers did not fire. */
  sweep(now = Date.now()): void {
    for (const tracked of this.active.values()) tracked.run.enforce(now);
  }

  /** Runs that outlived their deadline by more than the grace period (health reads this). */
  overdue(now = Date.now()): Array<{ run_id: string; overdue_ms: number }> {
    return [...this.active.values()]
      .map((t) => ({ run_id: t.row.id, overdue_ms: t.run.overdueMs(now) }))
      .filter((o) => o.overdue_ms > 0);
  }

  private track(row: SpawnerRunEntity): Tracked {
    const live = new LiveOutput((batch) =>
      this.emit(row, 'spawn.output', {
        stream: batch.stream,
        seq: batch.seq,
        offset: batch.offset,
        data: batch.data,
      }),
    );
    const run = new ActiveRun(row.id, this.settings.outputCapBytes, this.settings.killGraceMs, {
      output: (stream, kept, bytes) => {
        this.metrics.output(stream, bytes);
        live.add(stream, kept);
      },
      signalled: (reason) => {
        this.metrics.killed(reason);
        this.logger.log(`run ${row.id} (${row.program}) signalled: ${reason}`);
      },
    });
    const tracked: Tracked = { run, row, live, writes: Promise.resolve() };
    this.active.set(row.id, tracked);
    this.metrics.setRunning(this.active.size);
    tracked.run.done.then(
      (outcome) => this.finished(tracked, outcome),
      () => undefined,
    );
    return tracked;
  }

  /** Resolves once the run's end is recorded (row written, events sent). */
  private recorded(tracked: Tracked): Promise<void> {
    return tracked.run.done.then(() => tracked.writes);
  }

  private finished(tracked: Tracked, outcome: RunOutcome): void {
    const { row, live } = tracked;
    live.flush();
    Object.assign(row, {
      status: outcome.status,
      kill_reason: outcome.killReason,
      error: outcome.error,
      exit_code: outcome.exitCode,
      signal: outcome.signal,
      finished_at: new Date(outcome.finishedAtMs).toISOString(),
      duration_ms: outcome.durationMs,
      stdout: outcome.stdout.text(),
      stderr: outcome.stderr.text(),
      stdout_bytes: outcome.stdout.totalBytes,
      stderr_bytes: outcome.stderr.totalBytes,
      stdout_truncated: outcome.stdout.truncated,
      stderr_truncated: outcome.stderr.truncated,
    });
    const patch: Partial<SpawnerRunEntity> = { ...row };
    delete patch.id;
    this.persist(tracked, patch);
    this.metrics.finished(
      outcome.status,
      outcome.durationMs === null ? null : outcome.durationMs / 1000,
      { stdout: row.stdout_truncated, stderr: row.stderr_truncated },
    );
    tracked.writes = tracked.writes.finally(() => {
      this.active.delete(row.id);
      this.metrics.setRunning(this.active.size);
    });
    const severity: Severity =
      outcome.status === 'failed' || outcome.status === 'timeout' ? 'warning' : 'info';
    this.emit(
      row,
      'spawn.finished',
      {
        program: row.program,
        status: row.status,
        exit_code: row.exit_code,
        signal: row.signal,
        kill_reason: row.kill_reason,
        error: row.error,
        duration_ms: row.duration_ms,
        stdout_bytes: row.stdout_bytes,
        stderr_bytes: row.stderr_bytes,
        stdout_truncated: row.stdout_truncated,
        stderr_truncated: row.stderr_truncated,
      },
      severity,
    );
  }

  private persist(tracked: Tracked, patch: Partial<SpawnerRunEntity>): void {
    tracked.writes = tracked.writes
      .then(() => this.store.update(tracked.row.id, patch))
      .catch((err: unknown) =>
        this.logger.error(`run ${tracked.row.id}: cannot record it: ${(err as Error).message}`),
      );
  }

  private liveView(tracked: Tracked, withOutput: boolean): RunView {
    const { row, run } = tracked;
    if (run.isFinished) return viewOfRun(row, withOutput);
    return viewOfRun(
      {
        ...row,
        stdout: withOutput ? run.stdout.text() : '',
        stderr: withOutput ? run.stderr.text() : '',
        stdout_bytes: run.stdout.totalBytes,
        stderr_bytes: run.stderr.totalBytes,
        stdout_truncated: run.stdout.truncated,
        stderr_truncated: run.stderr.truncated,
      },
      withOutput,
    );
  }

  private emit(
    row: SpawnerRunEntity,
    type: string,
    payload: Record<string, unknown>,
    severity: Severity = 'info',
  ): void {
    const send = () => this.events.emit(type, 'spawner', { run_id: row.id, ...payload }, severity);
    if (row.correlation_id) withCorrelationId(row.correlation_id, send);
    else send();
  }

  private assertAccepting(): void {
    if (!this.registry.isActive('spawner') || !this.accepting) {
      throw new ApiError(
        CoreErrors.module_dormant,
        `Module spawner is ${this.registry.state('spawner')}`,
        undefined,
        { module: 'spawner', hint: WAKE_HINT },
      );
    }
  }

  private executableFor(program: string): string {
    const programs = this.settings.programs;
    if (typeof program === 'string' && Object.hasOwn(programs, program)) return programs[program];
    const allowed = Object.keys(programs).sort();
    throw new ApiError(
      SpawnerErrors.program_not_allowed,
      `Program "${String(program)}" is not allowlisted. Allowed: ${allowed.join(', ') || 'none'}`,
      [{ field: 'program', errors: [`program must be one of ${allowed.join(', ')}`] }],
      { allowed },
    );
  }

  private ttlFor(ttl: number | undefined): number {
    const max = this.settings.maxTtlSec;
    if (ttl === undefined) return this.settings.defaultTtlSec;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > max) {
      throw new ApiError(SpawnerErrors.invalid_ttl, `ttl_sec must be an integer from 1 to ${max}`, [
        { field: 'ttl_sec', errors: [`ttl_sec must be an integer from 1 to ${max}`] },
      ]);
    }
    return ttl;
  }
}

/** Arguments are argv entries: strings, passed literally (no shell ever sees them). */
function checkArgs(args: unknown): string[] {
  if (args === undefined) return [];
  const bad = (message: string) =>
    new ApiError(CoreErrors.validation_failed, message, [{ field: 'args', errors: [message] }]);
  if (!Array.isArray(args)) throw bad('args must be an array of strings');
  if (args.length > MAX_ARGS) throw bad(`args may hold at most ${MAX_ARGS} entries`);
  for (const arg of args) {
    if (typeof arg !== 'string' || arg.includes('\0') || arg.length > MAX_ARG_CHARS) {
      throw bad(`each arg must be a string of at most ${MAX_ARG_CHARS} characters, without NUL`);
    }
  }
  return [...args] as string[];
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
