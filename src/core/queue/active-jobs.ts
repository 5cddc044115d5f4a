/**
 * The jobs one worker has taken and not yet finished. A job counts from the moment its
 * processor starts until BullMQ reports it completed or failed (that is, until its result is
 * stored), so a drain that waits for this set to empty loses no result.
 */
export class ActiveJobs {
  private readonly jobs = new Set<string>();
  private readonly idleWaiters = new Set<() => void>();

  get size(): number {
    return this.jobs.size;
  }

  ids(): string[] {
    return [...this.jobs];
  }

  start(jobId: string | undefined): void {
    if (jobId !== undefined) this.jobs.add(jobId);
  }

  finish(jobId: string | undefined): void {
    if (jobId === undefined || !this.jobs.delete(jobId) || this.jobs.size > 0) return;
    for (const wake of [...this.idleWaiters]) wake();
  }

  /** Resolves true once no job is active, or false after `timeoutMs` (never rejects). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.jobs.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (idle: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => settle(true);
      const timer = setTimeout(() => settle(false), timeoutMs);
      timer.unref();
      this.idleWaiters.add(onIdle);
    });
  }
}
