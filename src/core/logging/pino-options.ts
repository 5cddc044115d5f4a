import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/** Header values that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers["x-vx11-token"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
];

/** nestjs-pino setup: JSON to stdout, our correlation id as `correlation_id`, /health unlogged. */
export function pinoParams(config: AppConfig): Params {
  return {
    exclude: [{ method: RequestMethod.GET, path: 'health' }],
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req) => String(req.id),
      customAttributeKeys: { reqId: 'correlation_id' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      autoLogging: {
        ignore: (req: IncomingMessage & { originalUrl?: string }) =>
          (req.originalUrl ?? req.url) === '/health',
      },
      serializers: {
        // Query strings may carry an SSE token: log the path only.
        req: (req: {
          id: string;
          method: string;
          url: string;
          headers: Record<string, unknown>;
        }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
          headers: req.headers,
        }),
      },
    },
  };
}
