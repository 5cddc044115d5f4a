import { HealthTracker } from './health-tracker';

const RULES = {
  failuresBeforeRestart: 3,
  successesToResolve: 2,
  restartBackoffMs: 10_000,
  restartBackoffMaxMs: 300_000,
};

describe('HealthTracker', () => {
  let tracker: HealthTracker;
  beforeEach(() => {
    tracker = new HealthTracker(RULES);
  });

  it('restarts on the third consecutive failure, not before', () => {
    expect(tracker.record('switch', false, true, 0).restart).toBe(false);
    expect(tracker.record('switch', false, true, 1).restart).toBe(false);
    const third = tracker.record('switch', false, true, 2);
    expect(third).toMatchObject({ restart: true, restarts: 1, nextRestartAt: 10_002 });
  });

  it('needs consecutive failures: a good check in between starts the count again', () => {
    tracker.record('switch', false, true, 0);
    tracker.record('switch', false, true, 1);
    tracker.record('switch', true, true, 2);
    tracker.record('switch', false, true, 3);
    expect(tracker.record('switch', false, true, 4).restart).toBe(false);
    expect(tracker.record('switch', false, true, 5).restart).toBe(true);
  });

  it('backs off 10 s doubling to 5 min between restarts', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => tracker.backoffMs(n))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
    ]);
    let now = 0;
    const failUntilRestart = () => {
      for (;;) {
        now += 1000;
        if (tracker.record('madre', false, true, now).restart) return now;
      }
    };
    const first = failUntilRestart();
    const second = failUntilRestart();
    const third = failUntilRestart();
    expect(second - first).toBeGreaterThanOrEqual(10_000);
    expect(second - first).toBeLessThan(11_000);
    expect(third - second).toBeGreaterThanOrEqual(20_000);
    expect(third - second).toBeLessThan(21_000);
  });

  it('never restarts for a dependency failure, but still counts it', () => {
    for (let i = 0; i < 10; i += 1) {
      const v = tracker.record('switch', false, false, i);
      expect(v.restart).toBe(false);
    }
    expect(tracker.unhealthy('switch')).toBe(true);
  });

  it('resolves once after two consecutive good checks and resets the backoff', () => {
    for (let i = 0; i < 3; i += 1) tracker.record('switch', false, true, i);
    expect(tracker.record('switch', true, true, 10).resolve).toBe(false);
    const second = tracker.record('switch', true, true, 11);
    expect(second).toMatchObject({ resolve: true, restarts: 0, nextRestartAt: 0 });
    expect(tracker.unhealthy('switch')).toBe(false);
    expect(tracker.record('switch', true, true, 12).resolve).toBe(false);
    // a fresh failure streak restarts at once again
    for (let i = 0; i < 2; i += 1) tracker.record('switch', false, true, 13 + i);
    expect(tracker.record('switch', false, true, 15).restart).toBe(true);
  });
});
