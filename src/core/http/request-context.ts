import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import {
  CORRELATION_HEADER,
  CorrelationScope,
  correlationStorage,
} from '../correlation/correlation';
import { RawRequest, requestLine, requestLineLevel } from '../logging/pino-options';
import { isProbeRequest } from './probe-requests';

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
 * echoes the correlation id (`X-Correlation-Id`), opens its correlation scope (its id for
 * services and jobs, its logger for in-request app logs) around everything that follows,
 * and logs one request line when the response is done — for every request, refused ones
 * included. Must be installed before any other onRequest hook, so they run inside the scope.
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
    // On the reply, not the raw response: Node's writeHead takes its fast path only when
    // nothing was set on the raw response (bench/README.md, item 34). Code that writes a
    // response raw takes it over with hijackResponse(), which carries the header across.
    void reply.header(CORRELATION_HEADER, correlationId);
    const res = reply.raw;
    logWhenDone(lines, request, res, correlationId, started, isProbeRequest(request.headers));
    correlationStorage.run(new CorrelationScope(correlationId, root), done);
  });
}
