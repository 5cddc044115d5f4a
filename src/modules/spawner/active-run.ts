import { ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { OutputStream } from './live-output';
import { OutputCapture } from './output-capture';
import { procStartOf, RunTarget, signalRun } from './process-tree';
import { LaunchPlan, launchRun } from './run-launcher';
import { AppliedLimits, KillReason, RunStatus } from './spawner-run.entity';
import { guarded } from '../../core/util/guarded';

/** How long stdout/stderr may stay open after the program exited (a leftover holding them). */
const PIPE_DRAIN_MS = 2000;

export interface RunStart {
  pid: number | null;
  procStart: string | null;
  limits: AppliedLimits;
  startedAtMs: number;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'pending' | 'running'>;
  exitCode: number | null;
  signal: string | null;
  killReason: KillReason | null;
  error: string | null;
  finishedAtMs: number;
  durationMs: number | null;
  stdout: OutputCapture;
  stderr: OutputCapture;
}

export interface ActiveRunHooks {
  /** Each chunk: the part under the cap (maybe empty) and the chunk's full size. */
  output(stream: OutputStream, kept: Buffer, bytes: number): void;
  /** The first time the run's processes are signalled, with why. */
  signalled(reason: KillReason): void;
}

/**
 * One run's processes from spawn to the end: output capture, the TTL, and the kill that takes
 * its whole process group (and any process that left it) — SIGTERM, then SIGKILL after the
 * grace period. `done` resolves once the program has exited and its pipes are closed.
 */
export class ActiveRun {
  readonly stdout: OutputCapture;
  readonly stderr: OutputCapture;
  readonly done: Promise<RunOutcome>;
  private resolveDone!: (outcome: RunOutcome) => void;
  private child: ChildProcess | undefined;
  private target: RunTarget | undefined;
  private startedAtMs: number | null = null;
  private deadlineMs: number | null = null;
  private reason: KillReason | null = null;
  private killDueAtMs: number | null = null;
  private ttlTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private exit: { code: number | null; signal: string | null } | undefined;
  private spawnError: string | null = null;
  private finished = false;

  constructor(
    readonly id: string,
    capBytes: number,
    private readonly graceMs: number,
    private readonly hooks: ActiveRunHooks,
  ) {
    this.stdout = new OutputCapture(capBytes);
    this.stderr = new OutputCapture(capBytes);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get killReason(): KillReason | null {
    return this.reason;
  }

  get deadline(): number | null {
    return this.deadlineMs;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** How long the run has outlived its deadline plus the grace period (0 when it has not). */
  overdueMs(now: number): number {
    if (this.finished || this.deadlineMs === null) return 0;
    return Math.max(0, now - (this.deadlineMs + this.graceMs));
  }

  /** Spawns the program; a failure to spawn ends the run as failed (see `done`). */
  start(plan: LaunchPlan, prlimit: boolean, ttlMs: number): RunStart {
    this.startedAtMs = Date.now();
    if (this.reason) {
      // Killed while it was pending (e.g. the window closed meanwhile): never launched.
      this.finish();
      return {
        pid: null,
        procStart: null,
        limits: { applied: false },
        startedAtMs: this.startedAtMs,
      };
    }
    this.deadlineMs = this.startedAtMs + ttlMs;
    let launched;
    try {
      launched = launchRun(plan, prlimit);
    } catch (err) {
      this.spawnError = (err as Error).message;
      this.finish();
      return {
        pid: null,
        procStart: null,
        limits: { applied: false },
        startedAtMs: this.startedAtMs,
      };
    }
    const child = launched.child;
    this.child = child;
    const pid = child.pid ?? null;
    const procStart = pid === null ? null : procStartOf(pid);
    if (pid !== null) {
      this.target = {
        runId: this.id,
        pgid: pid,
        startTicks: procStart ? Number(procStart.split(':').pop()) : null,
        trustGroup: true,
      };
    }
    this.capture(child.stdout, 'stdout', this.stdout);
    this.capture(child.stderr, 'stderr', this.stderr);
    child.on(
      'error',
      guarded('spawner run error', (err: Error) => {
        // Spawn failures (ENOENT, EACCES) come here without an exit.
        if (this.exit === undefined) {
          this.spawnError = err.message;
          this.finish();
        }
      }),
    );
    child.once(
      'exit',
      guarded('spawner run exit', (code: number | null, signal: NodeJS.Signals | null) =>
        this.exited(code, signal),
      ),
    );
    child.once(
      'close',
      guarded('spawner run close', () => this.finish()),
    );
    this.ttlTimer = setTimeout(
      guarded('spawner run ttl', () => this.terminate('ttl_expired')),
      ttlMs,
    );
    return { pid, procStart, limits: launched.limits, startedAtMs: this.startedAtMs };
  }

  /**
   * SIGTERM to every process of the run, SIGKILL to what is left after the grace period.
   * Idempotent: the first reason stays. Resolves when the run has ended.
   */
  terminate(reason: KillReason): Promise<RunOutcome> {
    if (this.finished || this.reason) return this.done;
    this.reason = reason;
    this.hooks.signalled(reason);
    if (!this.child) return this.done; // still pending: start() sees the reason, never launches
    this.killDueAtMs = Date.now() + this.graceMs;
    this.graceTimer = setTimeout(
      guarded('spawner run grace', () => this.signal('SIGKILL')),
      this.graceMs,
    );
    void this.signal('SIGTERM');
    return this.done;
  }

  /** The reaper's backstop for the timers: a missed TTL or SIGKILL happens here. */
  enforce(now: number): void {
    if (this.finished) return;
    if (!this.reason && this.deadlineMs !== null && now >= this.deadlineMs) {
      void this.terminate('ttl_expired');
    } else if (this.killDueAtMs !== null && now >= this.killDueAtMs) {
      this.killDueAtMs = now + this.graceMs; // re-send later if it still has not ended
      void this.signal('SIGKILL');
    }
  }

  private capture(stream: Readable | null, name: OutputStream, into: OutputCapture): void {
    stream?.on(
      'data',
      guarded('spawner output', (chunk: Buffer) =>
        this.hooks.output(name, into.push(chunk), chunk.length),
      ),
    );
    stream?.on('error', () => undefined); // a broken pipe ends the capture, not the server
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.target && !this.finished) await signalRun(this.target, signal);
  }

  /** The program is gone: whatever it left behind in its group or with its marker goes too. */
  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.exit = { code, signal };
    if (this.target) void signalRun(this.target, 'SIGKILL');
    const drain = setTimeout(
      guarded('spawner pipe drain', () => {
        // A process we could not find still holds the pipes: stop waiting for them.
        this.child?.stdout?.destroy();
        this.child?.stderr?.destroy();
        this.finish();
      }),
      PIPE_DRAIN_MS,
    );
    drain.unref();
    this.child?.once('close', () => clearTimeout(drain));
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.ttlTimer);
    clearTimeout(this.graceTimer);
    const now = Date.now();
    this.resolveDone({
      ...this.verdict(),
      killReason: this.reason,
      exitCode: this.exit?.code ?? null,
      signal: this.exit?.signal ?? null,
      finishedAtMs: now,
      durationMs: this.startedAtMs === null ? null : now - this.startedAtMs,
      stdout: this.stdout,
      stderr: this.stderr,
    });
  }

  private verdict(): { status: RunOutcome['status']; error: string | null } {
    if (this.spawnError !== null) {
      return { status: 'failed', error: `could not start: ${this.spawnError}` };
    }
    if (this.reason === 'ttl_expired') {
      return { status: 'timeout', error: 'ran past its TTL' };
    }
    if (this.reason) return { status: 'killed', error: null };
    const exit = this.exit;
    if (exit?.code === 0) return { status: 'completed', error: null };
    if (exit?.signal) return { status: 'failed', error: `ended by signal ${exit.signal}` };
    return { status: 'failed', error: `exited with code ${exit?.code ?? 'unknown'}` };
  }
}
