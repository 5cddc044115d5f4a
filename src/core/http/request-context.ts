import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Store, storage as pinoStorage } from 'nestjs-pino/storage';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { CORRELATION_HEADER, correlationStorage } from '../correlation/correlation';
import { RawRequest, requestLine, requestLineLevel } from '../logging/pino-options';
import { isProbeRequest } from './probe-requests';

/**
 * The in-request logger of nestjs-pino (what `new Logger(…).log()` writes through while a
 * request is served): a child carrying the correlation id, made only when something logs.
 * Most requests log nothing but their request line, and a pino child costs ~2 µs. A class, so
 * its accessors live on the prototype instead of being defined again on every request.
 */
class LazyStore implements Store {
  private own: Logger | undefined;
  responseLogger = undefined;

  constructor(
    private readonly root: Logger,
    private readonly correlationId: string,
  ) {}

  get logger(): Logger {
    return (this.own ??= this.root.child({ correlation_id: this.correlationId }));
  }

  set logger(next: Logger) {
    this.own = next; // PinoLogger.assign()
  }
}

/**
 * Writes the request line once, when the response has finished or — a client that went away,
 * a stream cut — when it closed without finishing. The line is built only if its level is
 * enabled (`/health` lines are at debug).
 */
function logWhenDone(
  lines: Logger,
  request: FastifyRequest,
  res: ServerResponse,
  correlationId: string,
  started: number,
  probe: boolean,
): void {
  let logged = false;
  const log = () => {
    if (logged) return;
    logged = true;
    const raw = request.raw as RawRequest;
    if (!lines.isLevelEnabled(requestLineLevel(raw, probe))) return;
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const { level, fields, msg } = requestLine(raw, res, durationMs, correlationId, probe);
    lines[level](fields, msg);
  };
  // on(), not once(): once() wraps each listener in a bound function; `logged` does its job
  res.on('finish', log);
  res.on('close', log);
}

/**
 * Per request, in a Fastify onRequest hook (no Nest middleware, so no middie on the hot path):
 * echoes the correlation id (`X-Correlation-Id`), opens its AsyncLocalStorage scopes (ours for
 * services and jobs, nestjs-pino's for in-request app logs) around everything that follows,
 * and logs one request line when the response is done — for every request, refused ones
 * included. Must be installed before any other onRequest hook, so they run inside the scopes.
 *
 * `lines` writes the request lines: the app's root logger without redaction paths (a request
 * line carries no headers and its URL is redacted by requestLine), `root` is the app's logger.
 */
export function installRequestContext(
  fastify: FastifyInstance,
  root: Logger,
  lines: Logger = root,
): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const started = performance.now();
    const correlationId = String(request.id);
    const res = reply.raw;
    res.setHeader(CORRELATION_HEADER, correlationId);
    logWhenDone(lines, request, res, correlationId, started, isProbeRequest(request.headers));
    correlationStorage.run({ correlationId }, () =>
      pinoStorage.run(new LazyStore(root, correlationId), done),
    );
  });
}
