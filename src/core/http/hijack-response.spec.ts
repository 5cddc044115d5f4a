import Fastify, { FastifyInstance } from 'fastify';
import { hijackResponse } from './hijack-response';

describe('hijackResponse', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    app.addHook('onRequest', (_request, reply, done) => {
      void reply.header('x-correlation-id', 'hj-1');
      done();
    });
    app.get('/raw', (_request, reply) => {
      void reply.header('x-extra', 'kept');
      const raw = hijackResponse(reply);
      raw.writeHead(200, { 'content-type': 'text/plain' });
      raw.end('written raw');
    });
    app.get('/raw-own', (_request, reply) => {
      reply.raw.setHeader('x-correlation-id', 'set-raw');
      const raw = hijackResponse(reply);
      raw.writeHead(200);
      raw.end();
    });
    app.get('/fastify', () => ({ ok: true }));
    await app.ready();
  });

  afterAll(() => app.close());

  it("carries the reply's headers onto a response written raw", async () => {
    const res = await app.inject({ url: '/raw' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('written raw');
    expect(res.headers['x-correlation-id']).toBe('hj-1');
    expect(res.headers['x-extra']).toBe('kept');
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('leaves a header already set on the raw response as it is', async () => {
    const res = await app.inject({ url: '/raw-own' });
    expect(res.headers['x-correlation-id']).toBe('set-raw');
  });

  it('changes nothing for responses Fastify sends itself', async () => {
    const res = await app.inject({ url: '/fastify' });
    expect(res.headers['x-correlation-id']).toBe('hj-1');
    expect(res.json()).toEqual({ ok: true });
  });
});
