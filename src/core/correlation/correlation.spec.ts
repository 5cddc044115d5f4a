import { storage as nestPinoStorage } from 'nestjs-pino/storage';
import pino from 'pino';
import {
  CorrelationScope,
  correlationStorage,
  currentCorrelationId,
  withCorrelationId,
} from './correlation';

describe('correlation scopes', () => {
  const lines: Record<string, unknown>[] = [];
  const appLogger = pino(
    { base: null },
    {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );

  it('is the storage nestjs-pino reads its in-request logger from', async () => {
    await correlationStorage.run(new CorrelationScope('req-1', appLogger), async () => {
      await Promise.resolve();
      expect(currentCorrelationId()).toBe('req-1');
      nestPinoStorage.getStore()?.logger.info('inside');
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'inside', correlation_id: 'req-1' }),
    );
  });

  it('a job scope opened in a request logs with its own id through the same app logger', () => {
    correlationStorage.run(new CorrelationScope('req-2', appLogger), () =>
      withCorrelationId('job-2', () => nestPinoStorage.getStore()?.logger.info('in the job')),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'in the job', correlation_id: 'job-2' }),
    );
  });

  it('outside any request a scope has no logger, so nestjs-pino uses its root', () => {
    withCorrelationId('job-3', () => {
      expect(currentCorrelationId()).toBe('job-3');
      expect(nestPinoStorage.getStore()?.logger).toBeUndefined();
    });
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('PinoLogger.assign() replaces the scope logger', () => {
    const scope = new CorrelationScope('req-4', appLogger);
    const assigned = appLogger.child({ user: 'x' });
    scope.logger = assigned;
    expect(scope.logger).toBe(assigned);
  });
});
