import { Injectable } from '@nestjs/common';

interface Waiter {
  grant: (release: () => void) => void;
  timer: NodeJS.Timeout;
}

interface Slots {
  inFlight: number;
  waiters: Waiter[];
}

const RELEASE_NOTHING = () => undefined;

/**
 * Per-provider `max_concurrency`: a call takes a slot, or waits up to a bound for one and is
 * then refused (the router moves on to the next provider). Unset means unlimited. Every slot
 * taken is given back exactly once by the release function it came with.
 */
@Injectable()
export class ProviderSlots {
  private readonly slots = new Map<string, Slots>();

  /**
   * A slot free now: its release function, or undefined when all are taken. Synchronous, so a
   * caller that gets one goes on without yielding to other work first.
   */
  take(name: string, max: number | null | undefined): (() => void) | undefined {
    if (!max) return RELEASE_NOTHING;
    const s = this.of(name);
    if (s.inFlight >= max) return undefined;
    s.inFlight += 1;
    return this.releaser(name);
  }

  /** Resolves with the release function, or null when no slot freed up within `waitMs`. */
  acquire(
    name: string,
    max: number | null | undefined,
    waitMs: number,
  ): Promise<(() => void) | null> {
    const now = this.take(name, max);
    if (now) return Promise.resolve(now);
    if (waitMs <= 0) return Promise.resolve(null);
    const s = this.of(name);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: (release) => resolve(release),
        timer: setTimeout(() => {
          s.waiters.splice(s.waiters.indexOf(waiter), 1);
          resolve(null);
        }, waitMs),
      };
      waiter.timer.unref();
      s.waiters.push(waiter);
    });
  }

  inFlight(name: string): number {
    return this.slots.get(name)?.inFlight ?? 0;
  }

  private releaser(name: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const s = this.of(name);
      const next = s.waiters.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.releaser(name)); // the slot passes straight to the next waiter
      } else {
        s.inFlight -= 1;
      }
    };
  }

  private of(name: string): Slots {
    let s = this.slots.get(name);
    if (!s) {
      s = { inFlight: 0, waiters: [] };
      this.slots.set(name, s);
    }
    return s;
  }
}
