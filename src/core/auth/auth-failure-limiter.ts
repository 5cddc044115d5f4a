import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus.service';
import { HumanLogService } from '../logging/human-log.service';

/** Addresses tracked at once; past this the expired go first, then the oldest. */
export const MAX_TRACKED_CLIENTS = 10_000;

interface ClientFailures {
  count: number;
  windowEndsAt: number;
  blockedUntil: number;
}

/**
 * Brute-force brake: counts wrong tokens per client address in a fixed window. Past the limit
 * the address is refused (429, Retry-After) for a window, whatever token it sends — a right
 * guess must not be told apart from a wrong one — and one alert is raised (alerts.log and a
 * `system.alert` event). In memory, bounded; a restart forgets.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly clients = new Map<string, ClientFailures>();

  constructor(
    private readonly config: AppConfig,
    private readonly humanLog: HumanLogService,
    private readonly events: EventBus,
  ) {}

  /** Seconds the address must still wait; 0 when it may present a token. */
  retryAfterSec(client: string, now = Date.now()): number {
    const entry = this.clients.get(client);
    if (!entry || entry.blockedUntil <= now) return 0;
    return Math.max(1, Math.ceil((entry.blockedUntil - now) / 1000));
  }

  /** Counts one wrong token; the failure that reaches the limit blocks the address. */
  recordFailure(client: string, now = Date.now()): void {
    const { limit, windowSec } = this.config.authFailures;
    let entry = this.clients.get(client);
    if (!entry || entry.windowEndsAt <= now) {
      this.makeRoom(now);
      entry = { count: 0, windowEndsAt: now + windowSec * 1000, blockedUntil: 0 };
      this.clients.delete(client); // re-insert: the map's order is the eviction order
      this.clients.set(client, entry);
    }
    entry.count += 1;
    if (entry.count >= limit && entry.blockedUntil <= now) {
      entry.blockedUntil = now + windowSec * 1000;
      entry.windowEndsAt = entry.blockedUntil;
      this.alert(client, entry.count, windowSec);
    }
  }

  /** How many addresses are tracked (for tests and metrics). */
  get tracked(): number {
    return this.clients.size;
  }

  private makeRoom(now: number): void {
    if (this.clients.size < MAX_TRACKED_CLIENTS) return;
    for (const [client, entry] of this.clients) {
      if (entry.windowEndsAt <= now && entry.blockedUntil <= now) this.clients.delete(client);
    }
    while (this.clients.size >= MAX_TRACKED_CLIENTS) {
      this.clients.delete(this.clients.keys().next().value!);
    }
  }

  private alert(client: string, failures: number, windowSec: number): void {
    const message =
      `${failures} wrong tokens from ${client} within ${windowSec} s; ` +
      `refusing that address for ${windowSec} s`;
    this.humanLog.write('alerts', 'ALERT', `auth: ${message}`);
    this.events.emit(
      'system.alert',
      'tentaculo_link',
      {
        alert_id: randomUUID(),
        severity: 'warning',
        message,
        kind: 'auth_failures',
        client_address: client,
        failures,
        window_sec: windowSec,
      },
      'warning',
    );
  }
}
