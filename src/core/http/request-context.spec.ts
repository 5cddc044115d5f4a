import 'reflect-metadata';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import Fastify, { FastifyInstance } from 'fastify';
import { storage as pinoStorage } from 'nestjs-pino/storage';
import pino from 'pino';
import { ApiError } from '../errors/api-error';
import { currentCorrelationId, correlationIdFor } from '../correlation/correlation';
import { baseLoggerOptions } from '../logging/pino-options';
import { installBodyChecks } from './fastify-hooks';
import { probeHeaders } from './probe-requests';
import { installRequestContext } from './request-context';
import { CheckBody, BODY_CHECK } from './route-config';
import { CoreErrors } from '../errors/core-errors';

describe('the request context hook and body checks', () => {
  let app: FastifyInstance;
  const written: Record<string, unknown>[] = [];
  const root = pino(baseLoggerOptions('debug'), {
    write: (line: string) => written.push(JSON.parse(line) as Record<string, unknown>),
  });
  const linesFor = (id: string) => written.filter((l) => l.correlation_id === id && l.url);

  beforeAll(async () => {
    app = Fastify({ genReqId: correlationIdFor, requestIdHeader: false });
    installRequestContext(app, root);
    installBodyChecks(app);
    app.get('/seen', async () => {
      pinoStorage.getStore()?.logger.info('inside');
      return { correlation_id: currentCorrelationId() };
    });
    const refuseDeep = (body: unknown) => {
      if ((body as { deep?: unknown }).deep)
        throw new ApiError(CoreErrors.validation_failed, 'deep');
    };
    app.post('/checked', { config: { [BODY_CHECK]: refuseDeep } }, async (req) => req.body);
    app.get('/health', async () => ({ ok: true }));
    await app.ready();
  });

  afterAll(() => app.close());

  it('echoes the correlation id and opens its scope for the handler and its logs', async () => {
    const res = await app.inject({ url: '/seen', headers: { 'x-correlation-id': 'ctx-1' } });
    expect(res.headers['x-correlation-id']).toBe('ctx-1');
    expect(res.json()).toEqual({ correlation_id: 'ctx-1' });
    expect(written.find((l) => l.msg === 'inside')).toMatchObject({ correlation_id: 'ctx-1' });
  });

  it('writes one request line per request, probes at debug', async () => {
    await app.inject({ url: '/seen?token=s3cret', headers: { 'x-correlation-id': 'ctx-2' } });
    await app.inject({ url: '/health', headers: { 'x-correlation-id': 'ctx-3' } });
    await app.inject({ url: '/nowhere', headers: { 'x-correlation-id': 'ctx-4' } });
    expect(linesFor('ctx-2')).toEqual([
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        url: '/seen?token=[redacted]',
        status_code: 200,
        duration_ms: expect.any(Number),
      }),
    ]);
    expect(linesFor('ctx-3')).toEqual([expect.objectContaining({ level: 'debug' })]);
    expect(linesFor('ctx-4')).toEqual([expect.objectContaining({ status_code: 404 })]);
  });

  it('writes the process’s own in-process probes at debug', async () => {
    await app.inject({
      url: '/seen',
      headers: { 'x-correlation-id': 'ctx-probe', ...probeHeaders() },
    });
    // a client cannot mark its own requests so
    await app.inject({
      url: '/seen',
      headers: { 'x-correlation-id': 'ctx-forged', 'x-vx11-probe': 'x'.repeat(48) },
    });
    expect(linesFor('ctx-probe')).toEqual([
      expect.objectContaining({ level: 'debug', url: '/seen', status_code: 200 }),
    ]);
    expect(linesFor('ctx-forged')).toEqual([expect.objectContaining({ level: 'info' })]);
  });

  it('runs a route body check before the handler, in the one error shape', async () => {
    const ok = await app.inject({ method: 'POST', url: '/checked', payload: { a: 1 } });
    expect(ok.json()).toEqual({ a: 1 });
    const refused = await app.inject({
      method: 'POST',
      url: '/checked',
      payload: { deep: true },
      headers: { 'x-correlation-id': 'ctx-5' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'validation_failed', correlation_id: 'ctx-5' });
    expect(refused.headers.connection).not.toBe('close');
  });

  it('CheckBody puts the check in the route config', () => {
    const check = () => undefined;
    class C {
      @CheckBody(check)
      m() {}
    }
    // the same metadata Nest's @RouteConfig writes, which becomes the Fastify route config
    const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, C.prototype.m) as Record<
      string,
      unknown
    >;
    expect(config[BODY_CHECK]).toBe(check);
  });
});
