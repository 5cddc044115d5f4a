import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('passes the result through when the work settles in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
  });

  it('rejects naming the operation when the work takes too long', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 10, 'ping')).rejects.toThrow('ping timed out after 10 ms');
  });
});
