import {
  BadRequestException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiError } from './api-error';
import { renderError } from './error-body';
import { CoreErrors } from './core-errors';

const CID = 'corr-123';

describe('renderError', () => {
  it('renders an ApiError in the contract shape with its details and extra fields', () => {
    const err = new ApiError(
      CoreErrors.module_dormant,
      'switch is dormant',
      [{ field: 'x', errors: ['y'] }],
      { module: 'switch', hint: 'POST /madre/power/window/open' },
    );
    const { status, body, internal } = renderError(err, CID);
    expect(status).toBe(503);
    expect(body).toEqual({
      error: 'module_dormant',
      message: 'switch is dormant',
      status_code: 503,
      correlation_id: CID,
      details: [{ field: 'x', errors: ['y'] }],
      module: 'switch',
      hint: 'POST /madre/power/window/open',
    });
    // a deliberate ApiError is not an internal failure to log
    expect(internal).toBeUndefined();
  });

  it('omits details when an ApiError has none', () => {
    const { body } = renderError(new ApiError(CoreErrors.forbidden, 'The token is not valid'), CID);
    expect(body).toEqual({
      error: 'forbidden',
      message: 'The token is not valid',
      status_code: 403,
      correlation_id: CID,
    });
    expect(body).not.toHaveProperty('details');
  });

  it('maps a Nest HttpException to a code from its status', () => {
    const { status, body, internal } = renderError(new NotFoundException('Cannot GET /x'), CID);
    expect(status).toBe(404);
    expect(body).toEqual({
      error: 'not_found',
      message: 'Cannot GET /x',
      status_code: 404,
      correlation_id: CID,
    });
    expect(internal).toBeUndefined();
    expect(renderError(new ServiceUnavailableException('busy'), CID).body).toMatchObject({
      error: 'service_unavailable',
      status_code: 503,
    });
    expect(renderError(new HttpException('teapot', 418), CID).body).toMatchObject({
      error: 'http_418',
      message: 'teapot',
      status_code: 418,
    });
  });

  it('turns a validation message list into details', () => {
    const err = new BadRequestException(['name must be a string', 'ttl_sec must be an integer']);
    const { status, body } = renderError(err, CID);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'bad_request',
      message: 'Request validation failed',
      status_code: 400,
      correlation_id: CID,
      details: ['name must be a string', 'ttl_sec must be an integer'],
    });
  });

  it('maps a Fastify body-too-large error (statusCode 413) to payload_too_large', () => {
    const err = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    const { status, body, internal } = renderError(err, CID);
    expect(status).toBe(413);
    expect(body).toEqual({
      error: 'payload_too_large',
      message: 'Request body is too large',
      status_code: 413,
      correlation_id: CID,
    });
    expect(internal).toBeUndefined();
  });

  it('maps other Fastify client errors by code, then by status', () => {
    const badJson = Object.assign(
      new Error("Body is not valid JSON but content-type is set to 'application/json'"),
      {
        statusCode: 400,
        code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      },
    );
    expect(renderError(badJson, CID)).toMatchObject({
      status: 400,
      body: { error: 'invalid_json', status_code: 400, correlation_id: CID },
    });
    const media = Object.assign(new Error('Unsupported Media Type'), {
      statusCode: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    });
    expect(renderError(media, CID).body.error).toBe('unsupported_media_type');
    const plain413 = { statusCode: 413, message: 'too big' };
    expect(renderError(plain413, CID).body).toMatchObject({
      error: 'payload_too_large',
      message: 'too big',
    });
  });

  it.each([
    ['a plain Error', new Error('SQLITE_CORRUPT at /srv/vx11/data/vx11.db (secret=hunter2)')],
    ['a thrown string', 'connection string redis://:hunter2@host failed'],
    ['null', null],
    ['undefined', undefined],
    [
      'an error claiming a 5xx statusCode',
      Object.assign(new Error('upstream hunter2 exploded'), { statusCode: 502 }),
    ],
    ['an error with a non-numeric statusCode', { statusCode: '413', message: 'hunter2' }],
  ])('renders %s as 500 internal_error without leaking its message', (_label, err) => {
    const { status, body, internal } = renderError(err, CID);
    expect(status).toBe(500);
    expect(body).toEqual({
      error: 'internal_error',
      message: 'Internal error',
      status_code: 500,
      correlation_id: CID,
    });
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(JSON.stringify(body)).not.toContain('SQLITE');
    // the original is handed back for the log only
    expect(internal).toBe(err);
  });
});
