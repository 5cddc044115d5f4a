import type { IncomingMessage, ServerResponse } from 'node:http';
import { isatty } from 'node:tty';
import type { Params } from 'nestjs-pino';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type PinoPretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';
import { turnBatchedDestination } from './turn-batched-destination';
import { isoTimeField } from '../util/iso-now';

const CENSOR = '[redacted]';

/** Header values and fields that must never reach a log line, wherever they are nested. */
const SECRET_HEADERS = [
  'authorization',
  '["x-vx11-token"]',
  'cookie',
  '["sec-websocket-protocol"]',
];
export const REDACTED_PATHS = [
  ...SECRET_HEADERS.flatMap((h) => {
    const key = h.startsWith('[') ? h : `.${h}`;
    return [`headers${key}`, `*.headers${key}`];
  }),
  'token',
  '*.token',
];

/** Query parameters whose values are credentials (the live feeds take `?token=`). */
const SECRET_QUERY_PARAM = /^(token|access_token|api_key|apikey|key|password|secret)$/i;

/** Nest's boot chatter (one line per module and per route): useful when debugging, noise at info. */
const BOOT_NOISE_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Polled by probes and scrapers every few seconds: logged at debug, never at info. */
const PROBE_PATHS = new Set(['/health', '/metrics']);

export type RawRequest = IncomingMessage & { originalUrl?: string; id?: unknown };

/** The URL as logged: path and query, with credential-bearing query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return SECRET_QUERY_PARAM.test(safeDecode(name)) ? `${name}=${CENSOR}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function rawUrl(req: RawRequest): string {
  return req.originalUrl ?? req.url ?? '';
}

function isProbe(req: RawRequest): boolean {
  const url = rawUrl(req);
  const q = url.indexOf('?');
  return PROBE_PATHS.has(q < 0 ? url : url.slice(0, q));
}

/** The fields of one request line: no headers, no body, no secrets. */
function requestFields(req: RawRequest, res: ServerResponse, url: string, durationMs: unknown) {
  return {
    method: req.method,
    url,
    status_code: res.statusCode,
    duration_ms: durationMs,
    remote_address: req.socket?.remoteAddress,
  };
}

function requestMessage(
  req: RawRequest,
  res: ServerResponse,
  url: string,
  durationMs: number,
): string {
  const aborted = req.readableAborted || !res.writableEnded;
  const line = `${req.method} ${url} ${res.statusCode} ${durationMs}ms`;
  return aborted ? `${line} (aborted)` : line;
}

/** Sends Nest's per-module and per-route boot lines to debug (they arrive as info). */
function demoteBootNoise(
  this: Logger,
  args: Parameters<pino.LogFn>,
  method: pino.LogFn,
  level: number,
): void {
  const first = args[0] as { context?: unknown } | undefined;
  const noisy =
    level === this.levels.values.info &&
    typeof first === 'object' &&
    first !== null &&
    BOOT_NOISE_CONTEXTS.has(String(first.context));
  if (noisy) {
    (this.debug as (...a: unknown[]) => void)(...args);
    return;
  }
  method.apply(this, args);
}

/**
 * The one line shape of every VX11 log: `{"level":"info","time":"<ISO-8601>","pid":…,"msg":…}`
 * plus fields. Shared by the app logger and by anything that logs outside Nest (main.ts).
 */
export function baseLoggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: isoTimeField,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    hooks: { logMethod: demoteBootNoise },
  };
}

/**
 * JSON lines on `fd`, or pino-pretty's coloured lines when `fd` is a terminal (a person is
 * reading). Synchronous, so the last lines before a process exit are not lost.
 */
export function logDestination(fd: number): DestinationStream {
  if (isatty(fd)) {
    // required here: a deployed VX11 writes to a file or a pipe and never needs it (~1 MB heap)
    const pretty = require('pino-pretty') as typeof PinoPretty;
    return pretty({
      destination: fd,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      singleLine: true,
    });
  }
  return pino.destination({ fd, sync: true });
}

/** A logger in the VX11 line shape, for code that runs outside Nest (main.ts, before the app). */
export function createProcessLogger(level = 'info', fd = 1): Logger {
  return pino(baseLoggerOptions(level), logDestination(fd));
}

/** What one request line is made of: its level, its fields and its message. */
export interface RequestLine {
  level: 'debug' | 'info';
  fields: ReturnType<typeof requestFields> & { correlation_id: string; err?: Error };
  msg: string;
}

/**
 * The request line: method, URL (credentials in the query redacted), status, duration,
 * correlation id and remote address; `/health` and `/metrics` at debug, the rest at info; a
 * 5xx carries `err` and no duration in its message (as pino-http wrote it).
 */
export function requestLine(
  req: RawRequest,
  res: ServerResponse,
  durationMs: number,
  correlationId: string,
  /** Sent by VX11 itself in-process (core/http/probe-requests.ts): not traffic. */
  inProcessProbe = false,
): RequestLine {
  const level = requestLineLevel(req, inProcessProbe);
  const url = redactUrl(rawUrl(req));
  const fields = { correlation_id: correlationId, ...requestFields(req, res, url, durationMs) };
  if (res.statusCode >= 500) {
    const err = new Error(`failed with status code ${res.statusCode}`);
    return {
      level,
      fields: { ...fields, err },
      msg: `${req.method} ${url} ${res.statusCode}`,
    };
  }
  return { level, fields, msg: requestMessage(req, res, url, durationMs) };
}

/** The level of a request's line, known before the line is built (skipped when disabled). */
export function requestLineLevel(req: RawRequest, inProcessProbe = false): RequestLine['level'] {
  return inProcessProbe || isProbe(req) ? 'debug' : 'info';
}

/** The root logger of each app (by its config), for the HTTP hooks that write request lines. */
const rootLoggers = new WeakMap<AppConfig, Logger>();

export function rootLoggerOf(config: AppConfig): Logger | undefined {
  return rootLoggers.get(config);
}

/**
 * The logger request lines are written with: the root logger's level and line shape without
 * its redaction paths (a request line has no headers and its URL went through redactUrl),
 * which saves pino a redaction pass over every line, writing to the same `fd` a turn of the
 * event loop at a time (TurnBatchedDestination). On a terminal, the root logger's own
 * pretty-printing child.
 */
export function requestLineLogger(root: Logger, fd = 1): Logger {
  if (isatty(fd)) return root.child({}, { redact: { paths: ['__request_line_has_no_secrets__'] } });
  const { redact: _none, ...options } = baseLoggerOptions(root.level);
  return pino(options, turnBatchedDestination(fd));
}

/**
 * nestjs-pino setup: one root logger on stdout for Nest and the app. Its middleware is not
 * applied to any route (`forRoutes: []`): request lines and the in-request logger come from a
 * Fastify onRequest hook instead (core/http/request-context.ts), which keeps Nest middleware,
 * and with it middie, off the hot path.
 */
export function pinoParams(config: AppConfig): Params {
  const logger = createProcessLogger(config.logLevel, 1);
  rootLoggers.set(config, logger);
  const pinoHttp: PinoHttpOptions<RawRequest, ServerResponse> = {
    logger,
    genReqId: (req) => String(req.id),
    customAttributeKeys: { reqId: 'correlation_id' },
    quietReqLogger: true,
    quietResLogger: true,
  };
  return { pinoHttp: pinoHttp as PinoHttpOptions, forRoutes: [] };
}
