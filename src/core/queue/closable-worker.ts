import { JobScheduler, Repeat, Worker } from 'bullmq';
import { afterConnectionStarts } from './after-connection-starts';

const guarded = new WeakSet<JobScheduler>();

/**
 * A BullMQ worker that can be force-closed at any moment. When BullMQ 5 moves a job scheduler's
 * job to active it stores the scheduler's next run, and retries that write for as long as it
 * fails on a closed connection, without pausing once the worker is closing: a close(true) at
 * that moment (QueueService's way to close) turns it into a loop of microtasks that starves the
 * event loop for good. Here, once the worker is closing, a failed write ends the retry: BullMQ
 * reports it as an 'error' and leaves the job to its stalled-job check, and the owner of the
 * schedule upserts it again on its next start.
 */
export class ClosableWorker extends Worker {
  /**
   * BullMQ's stalled-job check waits stalledInterval (30 s) between checks, and close() only stops
   * the wait armed when it started: a check still in flight on the connection being closed arms
   * one more wait after that, which holds the process for 30 s. Here every wait armed once the
   * worker is closing is stopped as soon as it is armed, and the loop sees the worker closing.
   */
  override close(force = false): Promise<void> {
    const closing = super.close(force); // sets this.closing before any wait can resume
    stopStalledChecks(this);
    return closing;
  }

  override get jobScheduler(): Promise<JobScheduler> {
    return afterConnectionStarts(this.client, () => super.jobScheduler).then((scheduler) =>
      this.stopRetryingWhenClosing(scheduler),
    );
  }

  override get repeat(): Promise<Repeat> {
    return afterConnectionStarts(this.client, () => super.repeat);
  }

  private stopRetryingWhenClosing(scheduler: JobScheduler): JobScheduler {
    if (guarded.has(scheduler)) return scheduler;
    guarded.add(scheduler);
    const upsert = scheduler.upsertJobScheduler.bind(scheduler);
    scheduler.upsertJobScheduler = (async (...args: Parameters<typeof upsert>) => {
      try {
        return await upsert(...args);
      } catch (err) {
        if (!this.closing) throw err;
        // Not a connection error, so BullMQ stops retrying.
        throw new Error(
          `worker ${this.name} closed before its job scheduler's next run was stored`,
        );
      }
    }) as typeof scheduler.upsertJobScheduler;
    return scheduler;
  }
}

type StalledCheckInternals = { stalledCheckStopper?: () => void };

function stopStalledChecks(worker: Worker): void {
  const internals = worker as unknown as StalledCheckInternals;
  const armed = internals.stalledCheckStopper;
  Object.defineProperty(internals, 'stalledCheckStopper', {
    configurable: true,
    get: () => undefined,
    set: (stop: () => void) => stop(),
  });
  armed?.();
}
