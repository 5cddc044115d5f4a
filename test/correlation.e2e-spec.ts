import { bootApp, TestApp } from './support/test-app';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation ids and the error shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('echoes a well-formed correlation id and puts it in error bodies', async () => {
    const res = await t.http().get('/api/map').set('x-correlation-id', 'op-42:retry.1').expect(401);
    expect(res.headers['x-correlation-id']).toBe('op-42:retry.1');
    expect(res.body).toEqual({
      error: 'auth_required',
      message: expect.any(String),
      status_code: 401,
      correlation_id: 'op-42:retry.1',
    });
  });

  it('generates a UUID v4 when none is given', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.headers['x-correlation-id']).toMatch(UUID_V4);
  });

  it('replaces a malformed correlation id', async () => {
    for (const bad of ['has spaces', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const res = await t.http().get('/api/map').set('x-correlation-id', bad).expect(401);
      expect(res.headers['x-correlation-id']).toMatch(UUID_V4);
      expect(res.body.correlation_id).toBe(res.headers['x-correlation-id']);
    }
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await t
      .http()
      .get('/no/such/route')
      .set(t.auth)
      .set('x-correlation-id', 'c-404')
      .expect(404);
    expect(res.body).toMatchObject({
      error: 'not_found',
      status_code: 404,
      correlation_id: 'c-404',
    });
  });
});
