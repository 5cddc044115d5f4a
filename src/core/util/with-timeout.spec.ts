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

  it("clears its timer once the work settles, and a late failure is nobody's rejection", async () => {
    jest.useFakeTimers();
    try {
      await expect(withTimeout(Promise.resolve('ok'), 1000)).resolves.toBe('ok');
      expect(jest.getTimerCount()).toBe(0);
      let fail: (err: Error) => void = () => undefined;
      const late = new Promise<never>((_, reject) => (fail = reject));
      const timed = withTimeout(late, 10, 'call');
      jest.advanceTimersByTime(10);
      await expect(timed).rejects.toThrow('call timed out after 10 ms');
      fail(new Error('too late')); // handled by withTimeout: jest would fail the test otherwise
      await Promise.resolve();
    } finally {
      jest.useRealTimers();
    }
  });
});
