import { RedisConnection } from 'bullmq';
import { freePort } from '../../../test/support/redis-harness';
import { dropLateConnectionErrors } from './late-connection-errors';

describe('dropLateConnectionErrors', () => {
  beforeAll(() => dropLateConnectionErrors());

  it('delivers errors while someone listens, and drops them once nobody does', () => {
    const connection = Object.create(RedisConnection.prototype) as RedisConnection;
    const seen: Error[] = [];
    const listener = (err: Error) => seen.push(err);
    connection.on('error', listener);
    expect(connection.emit('error', new Error('while listened'))).toBe(true);
    connection.off('error', listener);
    expect(() => connection.emit('error', new Error('after close'))).not.toThrow();
    expect(seen.map((e) => e.message)).toEqual(['while listened']);
  });

  it('keeps a connection whose start fails after it was closed from throwing', async () => {
    const port = await freePort(); // nothing listens there
    const connection = new RedisConnection({
      host: '127.0.0.1',
      port,
      maxRetriesPerRequest: null,
      retryStrategy: () => null, // one refused attempt, then the client ends
    });
    // what close() leaves behind (its last step) while the start is still failing
    connection.removeAllListeners();
    await expect(connection.client).rejects.toThrow(/ECONNREFUSED/);
    // the re-emitted 'error' would reject now: jest fails a test on an unhandled rejection
    await new Promise((resolve) => setImmediate(resolve));
    await connection.close(true);
  });
});
