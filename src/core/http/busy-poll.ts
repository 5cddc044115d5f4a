import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

/** How long the loop spins on with nothing to do (the automatic setting), in µs. */
export const DEFAULT_BUSY_POLL_US = 500;
/** However busy the loop, it spins at most this many quiet times after the latest request. */
const MAX_SPIN_QUIET_TIMES = 10;
/**
 * A turn of the spin that took longer than this ran something besides the spin (I/O arrived,
 * a timer fired): the loop is not quiet. A bare turn takes a few microseconds.
 */
const BUSY_TURN_MS = 0.05;

/**
 * Busy polling after a request arrives. On a VM, a thread that sleeps in epoll_wait pays
 * dearly to be woken (the hypervisor's interrupt and scheduling path), and more so when the VM
 * is busy: a sequential chat waits a dozen times for Redis, the provider and its own queue,
 * each wait shorter than the wake-up that ends it. From a request's arrival, a chain of
 * setImmediate turns keeps libuv polling with a zero timeout, so whatever lands is picked up
 * at once, until the loop has had nothing to do for `quietUs` — which outlasts the answer and
 * catches a client's next request — or, at the latest, `quietUs` × 10 after the latest request:
 * on a loaded machine every turn runs late and looks busy, and that must not keep it spinning.
 * A provider that thinks for seconds costs `quietUs` of spinning. No request, no spin: an idle
 * VX11 sleeps as before.
 */
export class BusyPoll {
  private spinning = false;
  private lastBusy = 0;
  private lastTurn = 0;
  private until = 0;
  private readonly quietMs: number;

  /** `quietUs` 0: never spins. `now` in ms (a test's clock). */
  constructor(
    quietUs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.quietMs = quietUs / 1000;
  }

  get enabled(): boolean {
    return this.quietMs > 0;
  }

  /** Whether the loop is spinning now. */
  get spinningNow(): boolean {
    return this.spinning;
  }

  /** A request arrived: spin until the loop is quiet again. */
  wake(): void {
    if (!this.enabled) return;
    const now = this.now();
    this.lastBusy = now;
    this.until = now + this.quietMs * MAX_SPIN_QUIET_TIMES;
    if (this.spinning) return;
    this.spinning = true;
    this.lastTurn = now;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    const now = this.now();
    if (now - this.lastTurn > BUSY_TURN_MS) this.lastBusy = now;
    this.lastTurn = now;
    if (now - this.lastBusy < this.quietMs && now < this.until) setImmediate(this.turn);
    else this.spinning = false;
  };
}

/**
 * The configured quiet time, or the automatic one: busy polling needs a second CPU, since on
 * a single one the spinning loop would take the CPU from the Redis or provider it waits for.
 */
export function busyPollQuietUs(
  configured: number | undefined,
  cpus: number = availableParallelism(),
): number {
  if (configured !== undefined) return configured;
  return cpus > 1 ? DEFAULT_BUSY_POLL_US : 0;
}
