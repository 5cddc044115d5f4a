import { IngestLimiter } from './ingest-limiter';

describe('IngestLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 0;
  });

  it('allows a burst per address, then the sustained rate, each address on its own', () => {
    const limiter = new IngestLimiter({ ratePerSec: 2, burst: 3, maxPending: 100 }, clock);
    for (let i = 0; i < 3; i += 1) expect(limiter.admit('a').allowed).toBe(true);
    expect(limiter.admit('a')).toEqual({ allowed: false, scope: 'client', retryAfterSec: 1 });
    expect(limiter.admit('b').allowed).toBe(true);
    now += 500; // half a second: one token back at 2/s
    expect(limiter.admit('a').allowed).toBe(true);
    expect(limiter.admit('a').allowed).toBe(false);
    now += 60_000; // refills up to the burst, never past it
    for (let i = 0; i < 3; i += 1) expect(limiter.admit('a').allowed).toBe(true);
    expect(limiter.admit('a').allowed).toBe(false);
  });

  it('says how long until the next token at a slow rate', () => {
    const limiter = new IngestLimiter({ ratePerSec: 0.1, burst: 1, maxPending: 100 }, clock);
    expect(limiter.admit('a').allowed).toBe(true);
    now += 2500;
    expect(limiter.admit('a')).toEqual({ allowed: false, scope: 'client', retryAfterSec: 8 });
  });

  it('refuses everyone while too many events await their commit', () => {
    const limiter = new IngestLimiter({ ratePerSec: 1000, burst: 1000, maxPending: 2 }, clock);
    const first = limiter.track();
    const second = limiter.track();
    expect(limiter.admit('x')).toEqual({ allowed: false, scope: 'backlog', retryAfterSec: 1 });
    first();
    first(); // settling twice counts once
    expect(limiter.pendingCount).toBe(1);
    expect(limiter.admit('x').allowed).toBe(true);
    second();
    expect(limiter.pendingCount).toBe(0);
  });
});
