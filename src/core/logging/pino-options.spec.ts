import type { ServerResponse } from 'node:http';
import pino from 'pino';
import {
  baseLoggerOptions,
  redactUrl,
  RawRequest,
  requestLine,
  requestLineLevel,
} from './pino-options';

describe('redactUrl', () => {
  it('keeps paths and harmless query parameters as they are', () => {
    expect(redactUrl('/operator/api/events')).toBe('/operator/api/events');
    expect(redactUrl('/operator/api/events?limit=5&type=window.*')).toBe(
      '/operator/api/events?limit=5&type=window.*',
    );
  });

  it('replaces the values of credential parameters, however they are spelled', () => {
    expect(redactUrl('/ws?token=abc&types=a.b')).toBe('/ws?token=[redacted]&types=a.b');
    expect(redactUrl('/x?TOKEN=abc&api_key=k&%74oken=t&secret')).toBe(
      '/x?TOKEN=[redacted]&api_key=[redacted]&%74oken=[redacted]&secret=[redacted]',
    );
  });
});

describe('the VX11 log line', () => {
  const written: string[] = [];
  const logger = pino(baseLoggerOptions('debug'), { write: (line: string) => written.push(line) });
  const last = () => JSON.parse(written[written.length - 1]) as Record<string, unknown>;

  it('has a string level and an ISO-8601 UTC time', () => {
    logger.warn('hello');
    expect(last()).toMatchObject({ level: 'warn', msg: 'hello', pid: process.pid });
    expect(new Date(last().time as string).toISOString()).toBe(last().time);
  });

  it('redacts credential headers and token fields wherever they are logged', () => {
    const secret = 'secret-token-value';
    logger.info({
      req: { headers: { authorization: `Bearer ${secret}`, 'x-vx11-token': secret, host: 'h' } },
      headers: { cookie: secret },
      token: secret,
      feed: { token: secret },
    });
    expect(written[written.length - 1]).not.toContain(secret);
    expect(last()).toMatchObject({
      req: { headers: { authorization: '[redacted]', 'x-vx11-token': '[redacted]', host: 'h' } },
      token: '[redacted]',
    });
  });

  it("moves Nest's route and module boot lines from info to debug", () => {
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/health, GET} route');
    expect(last()).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
    logger.info({ context: 'NestApplication' }, 'Nest application successfully started');
    expect(last()).toMatchObject({ level: 'info' });
  });
});

describe('request lines', () => {
  const res = { statusCode: 200 } as ServerResponse;
  const line = (req: object, probe?: boolean) =>
    requestLine(req as RawRequest, res, 1.5, 'cid', probe).level;

  it('writes traffic at info, scrapes and the process’s own in-process probes at debug', () => {
    expect(line({ method: 'GET', url: '/api/map' })).toBe('info');
    expect(line({ method: 'GET', url: '/health?x=1' })).toBe('debug');
    expect(line({ method: 'GET', url: '/api/map' }, true)).toBe('debug');
  });

  it('knows the level before the line is built (the same one the line gets)', () => {
    const cases: [object, boolean][] = [
      [{ method: 'GET', url: '/api/map' }, false],
      [{ method: 'GET', url: '/metrics' }, false],
      [{ method: 'GET', url: '/health?x=1' }, false],
      [{ method: 'GET', url: '/healthz' }, false],
      [{ method: 'GET', originalUrl: '/health', url: '/other' }, false],
      [{ method: 'GET', url: '/api/map' }, true],
    ];
    for (const [req, probe] of cases) {
      expect(requestLineLevel(req as RawRequest, probe)).toBe(line(req, probe));
    }
    expect(requestLineLevel({ url: '/healthz' } as RawRequest)).toBe('info');
  });

  it('redacts the URL the same way in its field and its message', () => {
    const { fields, msg } = requestLine(
      { method: 'GET', url: '/ws?token=abc' } as RawRequest,
      { statusCode: 101, writableEnded: true } as ServerResponse,
      2,
      'cid',
    );
    expect(fields.url).toBe('/ws?token=[redacted]');
    expect(msg).toBe('GET /ws?token=[redacted] 101 2ms');
  });
});
