import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { storage as nestPinoStorage } from 'nestjs-pino/storage';
import type { Logger } from 'pino';

export const CORRELATION_HEADER = 'x-correlation-id';
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export function isWellFormedCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED.test(value);
}

/** Fastify's genReqId: keep a well-formed incoming id, otherwise mint a UUID v4. */
export function correlationIdFor(req: IncomingMessage): string {
  const incoming = req.headers[CORRELATION_HEADER];
  return isWellFormedCorrelationId(incoming) ? incoming : randomUUID();
}

/**
 * What runs in a correlation scope: its id, and the logger nestjs-pino writes app logs through
 * there (`new Logger(…).log()`): a child of the app's logger carrying the id, made only when
 * something logs (most requests log nothing but their request line; a child costs ~2 µs). With
 * no app logger (a job's scope opened outside any request) `logger` is undefined and
 * nestjs-pino falls back to its root logger. A class, so the accessors live on the prototype.
 */
export class CorrelationScope {
  private own: Logger | undefined;
  /** nestjs-pino's per-request response logger: request lines are written elsewhere. */
  readonly responseLogger = undefined;

  constructor(
    readonly correlationId: string,
    readonly appLogger: Logger | undefined,
  ) {}

  get logger(): Logger | undefined {
    return (this.own ??= this.appLogger?.child({ correlation_id: this.correlationId }));
  }

  set logger(next: Logger | undefined) {
    this.own = next; // PinoLogger.assign()
  }
}

/**
 * Carries the current request's or job's correlation id into services, jobs, events and app
 * logs. It is nestjs-pino's own storage: every AsyncLocalStorage in use costs every promise
 * and tick a propagation step, so VX11 keeps one instead of a second beside it.
 */
export const correlationStorage = nestPinoStorage as unknown as AsyncLocalStorage<CorrelationScope>;

export function currentCorrelationId(): string | undefined {
  return correlationStorage.getStore()?.correlationId;
}

/** Runs `fn` inside a correlation scope (queue workers, plans: a job's id); keeps the app logger. */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  const appLogger = correlationStorage.getStore()?.appLogger;
  return correlationStorage.run(new CorrelationScope(correlationId, appLogger), fn);
}
