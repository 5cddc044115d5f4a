import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../core/config/app-config';
import { JobHandlers } from '../../core/queue/job-handlers';
import { JobName, QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { describeError, guarded } from '../../core/util/guarded';
import { withTimeout } from '../../core/util/with-timeout';
import { AntName, HORMIGUERO_ANTS } from './finding';
import { HormigueroScanService } from './hormiguero-scan.service';

const REDIS_OP_TIMEOUT_MS = 2000;
/** How long stopping waits for scans in progress before giving up on them. */
const STOP_SCANS_TIMEOUT_MS = 5000;

export const antSchedulerId = (ant: AntName) => `hormiguero-${ant}`;

export interface AntSchedule {
  ant: AntName;
  /** The ant's interval with this activation's jitter. */
  interval_ms: number;
  /** Whether its repeatable job is set in Redis (false: the local timer runs it). */
  queued: boolean;
}

/**
 * The queen: while hormiguero is active each ant is a repeatable job on the `hormiguero` queue
 * (its interval from config, stretched by a random jitter so ants do not scan in step), and a
 * local watchdog timer runs any ant the queue has not delivered for two intervals — so scans go
 * on while Redis is down, as the health monitor does. stop() removes every ant's schedule,
 * closes the worker and waits (bounded) for scans in progress: no scan starts after it.
 */
@Injectable()
export class HormigueroQueen implements OnModuleInit {
  private readonly logger = new Logger('HormigueroQueen');
  private worker: Worker | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private schedules = new Map<AntName, AntSchedule>();
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly jobHandlers: JobHandlers,
    private readonly scanner: HormigueroScanService,
  ) {}

  onModuleInit(): void {
    this.jobHandlers.register(
      QueueName.Hormiguero,
      JobName.HormigueroScan,
      (job: Job<{ ant?: string }>) => this.fromQueue(job.data?.ant),
    );
  }

  get isRunning(): boolean {
    return this.running;
  }

  schedule(): AntSchedule[] {
    return [...this.schedules.values()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedules = new Map(
      this.scanner.scheduledAnts().map((ant) => {
        const base = this.scanner.intervalMs(ant);
        const jitter = Math.round(base * (this.config.hormiguero.jitterPct / 100) * Math.random());
        return [ant, { ant, interval_ms: base + jitter, queued: false }];
      }),
    );
    if (this.schedules.size === 0) return;
    this.worker = this.queues.startWorker(QueueName.Hormiguero);
    const tick = Math.max(25, Math.min(1000, Math.floor(Math.min(...this.intervals()) / 2)));
    this.watchdog = setInterval(
      guarded('hormiguero watchdog', () => this.tick(), { logger: this.logger }),
      tick,
    );
    this.watchdog.unref();
    void this.arm();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const worker = this.worker;
    this.worker = undefined;
    const ants = [...this.schedules.keys()];
    for (const s of this.schedules.values()) s.queued = false;
    if (this.redis.isUp()) {
      const queue = this.queues.queue(QueueName.Hormiguero);
      await Promise.all(
        ants.map((ant) =>
          withTimeout(queue.removeJobScheduler(antSchedulerId(ant)), REDIS_OP_TIMEOUT_MS).catch(
            () => undefined,
          ),
        ),
      );
    }
    if (worker) await this.queues.closeWorker(worker);
    await withTimeout(this.scanner.idle(), STOP_SCANS_TIMEOUT_MS, 'hormiguero scans').catch((err) =>
      this.logger.warn(`scans still running after stop: ${describeError(err)}`),
    );
  }

  private intervals(): number[] {
    return [...this.schedules.values()].map((s) => s.interval_ms);
  }

  /** A queued scan: skipped (not an error) when hormiguero stopped meanwhile. */
  private async fromQueue(ant: string | undefined) {
    if (!ant || !(HORMIGUERO_ANTS as readonly string[]).includes(ant)) {
      return { skipped: `unknown ant ${String(ant)}` };
    }
    if (!this.running || !this.schedules.has(ant as AntName)) {
      return { skipped: 'hormiguero is not active' };
    }
    const run = await this.scanner.runAnt(ant as AntName, 'queue');
    return { ant, ok: run.ok, findings: run.findings.length, error: run.error };
  }

  /** Runs locally each ant the queue has left quiet for two intervals (or all, Redis down). */
  private async tick(): Promise<void> {
    if (!this.running) return;
    const now = Date.now();
    const redisUp = this.redis.isUp();
    let rearm = false;
    const due: AntName[] = [];
    for (const s of this.schedules.values()) {
      const last = this.scanner.lastRun(s.ant);
      const since = last ? now - Date.parse(last.started_at) : Infinity;
      const quietLimit = redisUp && s.queued ? 2 * s.interval_ms : s.interval_ms;
      if (since < quietLimit) continue;
      if (redisUp) rearm = true; // e.g. Redis lost its data, or was down at start
      due.push(s.ant);
    }
    if (rearm) void this.arm();
    await Promise.all(due.map((ant) => this.scanner.runAnt(ant, 'local')));
  }

  /** Upserts each ant's repeatable job; idempotent, so safe to call again after an outage. */
  private async arm(): Promise<void> {
    if (!this.redis.isUp() || !this.running) return;
    const queue = this.queues.queue(QueueName.Hormiguero);
    await Promise.all(
      [...this.schedules.values()].map(async (s) => {
        try {
          await withTimeout(
            queue.upsertJobScheduler(
              antSchedulerId(s.ant),
              { every: s.interval_ms },
              { name: JobName.HormigueroScan, data: { ant: s.ant } },
            ),
            REDIS_OP_TIMEOUT_MS,
            `hormiguero ${s.ant} scheduler`,
          );
          // stopped meanwhile: take it back out, so no scan is scheduled after stop()
          if (!this.running) {
            await withTimeout(
              queue.removeJobScheduler(antSchedulerId(s.ant)),
              REDIS_OP_TIMEOUT_MS,
            ).catch(() => undefined);
            return;
          }
          s.queued = true;
        } catch (err) {
          s.queued = false;
          this.logger.warn(
            `hormiguero ${s.ant} scheduler not set (${describeError(err)}); the timer runs it`,
          );
        }
      }),
    );
  }
}
