import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const START = Date.parse('2026-01-02T03:04:05.000Z');
  const COOLDOWN = 30_000;
  let clock: number;
  let breaker: CircuitBreaker;

  beforeEach(() => {
    clock = START;
    breaker = new CircuitBreaker('provider-a', DEFAULT_BREAKER_OPTIONS, () => clock);
  });

  const fail = (n: number) => {
    for (let i = 0; i < n; i += 1) breaker.recordFailure();
  };

  it('uses the contract defaults: 3 failures, 30 s cooldown', () => {
    expect(DEFAULT_BREAKER_OPTIONS).toEqual({ failureThreshold: 3, cooldownMs: COOLDOWN });
  });

  it('starts closed and lets calls through', () => {
    expect(breaker.state).toBe('closed');
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.snapshot()).toEqual({
      state: 'closed',
      failure_count: 0,
      last_failure_at: null,
      opened_at: null,
    });
  });

  it('stays closed below the threshold and opens on the third consecutive failure', () => {
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(breaker.canRequest()).toBe(true);
    clock += 1000;
    fail(1);
    expect(breaker.state).toBe('open');
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.snapshot()).toEqual({
      state: 'open',
      failure_count: 3,
      last_failure_at: '2026-01-02T03:04:06.000Z',
      opened_at: '2026-01-02T03:04:06.000Z',
    });
  });

  it('counts only consecutive failures: a success resets the count', () => {
    fail(2);
    breaker.recordSuccess();
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().failure_count).toBe(2);
    fail(1);
    expect(breaker.state).toBe('open');
  });

  it('half-opens once the cooldown has passed, not before', () => {
    fail(3);
    clock += COOLDOWN - 1;
    expect(breaker.state).toBe('open');
    expect(breaker.canRequest()).toBe(false);
    clock += 1;
    expect(breaker.state).toBe('half_open');
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.snapshot().state).toBe('half_open');
  });

  it('closes on a successful half-open trial', () => {
    fail(3);
    clock += COOLDOWN;
    expect(breaker.state).toBe('half_open');
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.snapshot()).toMatchObject({
      state: 'closed',
      failure_count: 0,
      opened_at: null,
    });
    // and it takes three fresh failures to open again
    fail(2);
    expect(breaker.state).toBe('closed');
  });

  it('re-opens for a full cooldown when the half-open trial fails', () => {
    fail(3);
    clock += COOLDOWN + 5000;
    expect(breaker.state).toBe('half_open');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.snapshot().opened_at).toBe(new Date(clock).toISOString());
    clock += COOLDOWN - 1;
    expect(breaker.state).toBe('open');
    clock += 1;
    expect(breaker.state).toBe('half_open');
  });

  it('honours custom options', () => {
    const custom = new CircuitBreaker('b', { failureThreshold: 1, cooldownMs: 10 }, () => clock);
    custom.recordFailure();
    expect(custom.state).toBe('open');
    clock += 10;
    expect(custom.state).toBe('half_open');
    expect(custom.name).toBe('b');
  });

  it('lets exactly one caller through as the half-open trial', () => {
    let now = 0;
    const breaker = new CircuitBreaker(
      'one-trial',
      { failureThreshold: 1, cooldownMs: 100 },
      () => now,
    );
    breaker.recordFailure();
    expect(breaker.tryAcquire()).toBe(false);
    now = 100;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
  });
});
