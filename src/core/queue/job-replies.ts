interface Waiter {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Callers waiting for the result of a job they queued. VX11 is one process, so the worker that
 * finishes the job is ours: its 'completed'/'failed' event hands the result over in memory,
 * which saves the QueueEvents stream reads and the status poll of job.waitUntilFinished().
 */
export class JobReplies {
  private readonly waiters = new Map<string, Waiter>();

  /** Registers a waiter before the job is added, so no completion can be missed. */
  expect<T>(jobId: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.reject(jobId, new Error(`no result within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
      this.waiters.set(jobId, { resolve: resolve as (value: unknown) => void, reject, timer });
    });
  }

  /** Hands `value` to the job's waiter; false when none was waiting (any more). */
  resolve(jobId: string | undefined, value: unknown): boolean {
    const waiter = this.settle(jobId);
    waiter?.resolve(value);
    return waiter !== undefined;
  }

  reject(jobId: string | undefined, err: Error): void {
    this.settle(jobId)?.reject(err);
  }

  get pending(): number {
    return this.waiters.size;
  }

  private settle(jobId: string | undefined): Waiter | undefined {
    if (jobId === undefined) return undefined;
    const waiter = this.waiters.get(jobId);
    if (!waiter) return undefined;
    clearTimeout(waiter.timer);
    this.waiters.delete(jobId);
    return waiter;
  }
}
