import { RedisConnection } from 'bullmq';
import { createServer } from 'node:net';
import { dropLateConnectionErrors } from './late-connection-errors';

/** A port nothing listens on: taken, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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
    const port = await closedPort();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const connection = new RedisConnection({
        host: '127.0.0.1',
        port,
        maxRetriesPerRequest: null,
        retryStrategy: () => null, // one refused attempt, then the client ends
      });
      // what close() leaves behind (its last step) while the start is still failing
      connection.removeAllListeners();
      await expect(connection.client).rejects.toThrow(/ECONNREFUSED/);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      await connection.close(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
