import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { withRouteConfig } from './route-config';

export const SERVED_WHILE_DRAINING = 'vx11:served-while-draining';

/**
 * Marks a route that is still served while VX11 shuts down, instead of the 503 every other
 * route answers then. For routes that must never answer 5xx (the operator chat, CONTRACT §4):
 * what they need stays up until the HTTP server has closed (Nest closes it before the
 * onApplicationShutdown hooks that stop queues, Redis and the database).
 */
export const ServedWhileDraining = () => withRouteConfig({ [SERVED_WHILE_DRAINING]: true });

/**
 * Whether the HTTP server is draining: set by the first shutdown hook Nest calls
 * (onModuleDestroy, before any module stops its feeds or workers) or by Fastify's close.
 * From then on every response says `Connection: close`, and a new request gets 503
 * `shutting_down` in the one error shape unless its route is @ServedWhileDraining().
 */
@Injectable()
export class HttpDrain implements OnModuleDestroy {
  private drainingSince: number | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  begin(): void {
    this.drainingSince ??= Date.now();
  }

  onModuleDestroy(): void {
    this.begin();
  }
}
