import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

interface CorrelationScope {
  correlationId: string;
}

/** Carries the current request's correlation id into services, jobs and events. */
export const correlationStorage = new AsyncLocalStorage<CorrelationScope>();

export function currentCorrelationId(): string | undefined {
  return correlationStorage.getStore()?.correlationId;
}

/** Runs `fn` inside a correlation scope (used by queue workers for a job's id). */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return correlationStorage.run({ correlationId }, fn);
}
