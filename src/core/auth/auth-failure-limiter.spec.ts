import type { AppConfig } from '../config/app-config';
import type { EventBus } from '../events/event-bus.service';
import type { HumanLogService } from '../logging/human-log.service';
import { AuthFailureLimiter, MAX_TRACKED_CLIENTS } from './auth-failure-limiter';

function limiter(limit = 3, windowSec = 60) {
  const alerts: string[] = [];
  const events: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const config = { authFailures: { limit, windowSec } } as AppConfig;
  const humanLog = {
    write: (_name: string, _event: string, message: string) => alerts.push(message),
  } as unknown as HumanLogService;
  const bus = {
    emit: (type: string, _source: string, payload: Record<string, unknown>) =>
      events.push({ type, payload }),
  } as unknown as EventBus;
  return { l: new AuthFailureLimiter(config, humanLog, bus), alerts, events };
}

describe('AuthFailureLimiter', () => {
  const t0 = 1_000_000;

  it('refuses an address once it reaches the limit, for one window, with one alert', () => {
    const { l, alerts, events } = limiter(3, 60);
    l.recordFailure('10.0.0.1', t0);
    l.recordFailure('10.0.0.1', t0 + 1000);
    expect(l.retryAfterSec('10.0.0.1', t0 + 1000)).toBe(0);
    l.recordFailure('10.0.0.1', t0 + 2000);
    expect(l.retryAfterSec('10.0.0.1', t0 + 2000)).toBe(60);
    expect(l.retryAfterSec('10.0.0.1', t0 + 31_500)).toBe(31);
    expect(l.retryAfterSec('10.0.0.2', t0 + 2000)).toBe(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('10.0.0.1');
    expect(events).toEqual([
      {
        type: 'system.alert',
        payload: expect.objectContaining({
          alert_id: expect.any(String),
          severity: 'warning',
          message: expect.stringContaining('3 wrong tokens'),
          client_address: '10.0.0.1',
        }),
      },
    ]);
    expect(l.retryAfterSec('10.0.0.1', t0 + 62_000)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { l } = limiter(3, 10);
    l.recordFailure('a', t0);
    l.recordFailure('a', t0 + 1000);
    l.recordFailure('a', t0 + 11_000); // a new window: count 1
    l.recordFailure('a', t0 + 12_000);
    expect(l.retryAfterSec('a', t0 + 12_000)).toBe(0);
    l.recordFailure('a', t0 + 13_000);
    expect(l.retryAfterSec('a', t0 + 13_000)).toBe(10);
  });

  it('tracks a bounded number of addresses', () => {
    const { l } = limiter(5, 60);
    for (let i = 0; i < MAX_TRACKED_CLIENTS + 500; i++) l.recordFailure(`c${i}`, t0);
    expect(l.tracked).toBeLessThanOrEqual(MAX_TRACKED_CLIENTS);
    // expired entries are dropped first once the map is full
    l.recordFailure('late', t0 + 61_000);
    expect(l.tracked).toBe(1);
  });
});
