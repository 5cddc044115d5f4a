import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { FEED_ROUTE } from '../auth/feed-route.decorator';
import { PUBLIC_ROUTE } from '../auth/public.decorator';
import type { AppConfig } from '../config/app-config';
import { RouteAccessLog } from './openapi-access';
import { documentFrame, finishDocument } from './openapi-document';
import { errorExample } from './openapi-errors';

type OnRoute = (route: { method: string | string[]; url: string; config?: object }) => void;

/** A RouteAccessLog fed the routes as Fastify's onRoute hook would. */
function accessOf(routes: Array<{ method: string; url: string; config?: object }>) {
  let hook: OnRoute = () => undefined;
  const fastify = { addHook: (_name: string, fn: OnRoute) => (hook = fn) };
  const log = RouteAccessLog.attach(fastify as unknown as FastifyInstance);
  routes.forEach((route) => hook(route));
  return log;
}

const ok = { 200: { description: 'ok' } };
const jsonBody = { content: { 'application/json': { schema: { type: 'object' } } } };

function documentWith(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { ...documentFrame(), paths, components: { schemas: { ErrorBody: { type: 'object' } } } };
}

describe('finishDocument', () => {
  const config = { metricsPublic: false } as AppConfig;
  const access = accessOf([
    { method: 'GET', url: '/health', config: { [PUBLIC_ROUTE]: () => true } },
    {
      method: 'GET',
      url: '/metrics',
      config: { [PUBLIC_ROUTE]: (c: AppConfig) => c.metricsPublic },
    },
    { method: 'GET', url: '/feed/:id', config: { [FEED_ROUTE]: () => true } },
    { method: 'POST', url: '/things', config: {} },
  ]);
  const doc = finishDocument(
    documentWith({
      '/health': { get: { responses: { ...ok }, tags: ['tentaculo_link'] } },
      '/metrics': { get: { responses: { ...ok } } },
      '/feed/{id}': { get: { responses: { ...ok } } },
      '/things': {
        post: {
          requestBody: jsonBody,
          responses: { ...ok, 429: { description: 'Too many things (too_many_things)' } },
        },
      },
    }),
    access,
    config,
  );

  it('gives public routes no security requirement, by the rule that serves them', () => {
    expect(doc.paths['/health'].get!.security).toEqual([]);
    expect(doc.paths['/metrics'].get!.security).toBeUndefined(); // private by config here
    expect(Object.keys(doc.paths['/health'].get!.responses)).toEqual(['200']);
  });

  it('adds the token errors to guarded routes and ?token= to live feeds', () => {
    expect(Object.keys(doc.paths['/metrics'].get!.responses)).toEqual(['200', '401', '403', '429']);
    expect(doc.paths['/feed/{id}'].get!.security).toEqual([
      { token: [] },
      { bearer: [] },
      { feed_token: [] },
    ]);
  });

  it('adds the body errors to JSON bodies and keeps a route’s own description first', () => {
    const responses = doc.paths['/things'].post!.responses;
    expect(Object.keys(responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '413',
      '415',
      '429',
    ]);
    expect(responses[429]).toMatchObject({
      description: expect.stringMatching(/^Too many things .*; or: Too many wrong tokens/),
    });
  });

  it('keeps only the tags in use and leaves ErrorBody open to extra fields', () => {
    expect(doc.tags!.map((t) => t.name)).toEqual(['tentaculo_link']);
    expect(doc.components!.schemas!.ErrorBody).toMatchObject({ additionalProperties: true });
  });
});

describe('errorExample', () => {
  it('takes the code the description names', () => {
    expect(errorExample(404, 'No such engine (engine_not_found)')).toMatchObject({
      error: 'engine_not_found',
      message: 'No such engine',
      status_code: 404,
    });
    expect(errorExample(418, 'No code here').error).toBe('http_418');
  });
});
