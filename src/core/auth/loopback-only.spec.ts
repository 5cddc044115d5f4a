import { ApiError } from '../errors/api-error';
import { assertLoopbackRequest, hostnameOf } from './loopback-only';

describe('requests VX11 answers with auth mode off', () => {
  const refused = (headers: Record<string, string>) => {
    try {
      assertLoopbackRequest(headers);
      return undefined;
    } catch (err) {
      return err;
    }
  };

  it('reads the host of a Host header or origin authority', () => {
    expect(hostnameOf('localhost:8000')).toBe('localhost');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:8000')).toBe('::1');
    expect(hostnameOf('LocalHost')).toBe('localhost');
  });

  it('takes loopback hosts, with or without a same-origin Origin', () => {
    for (const host of ['localhost:8000', '127.0.0.1:8000', '[::1]:8000', '127.0.0.2']) {
      expect(refused({ host })).toBeUndefined();
      expect(refused({ host, origin: `http://${host}` })).toBeUndefined();
    }
  });

  it('refuses a rebound name (DNS rebinding) with a 403', () => {
    const err = refused({ host: 'attacker.example:8000' });
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect(refused({})).toBeInstanceOf(ApiError);
    expect(refused({ host: 'localhost.attacker.example' })).toBeInstanceOf(ApiError);
  });

  it('refuses a browser request from another origin', () => {
    const host = '127.0.0.1:8000';
    for (const origin of ['http://attacker.example', 'http://127.0.0.1:9000', 'null', '%%']) {
      expect(refused({ host, origin })).toBeInstanceOf(ApiError);
    }
  });
});
