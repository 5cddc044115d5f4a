import { describeError, guarded } from './guarded';

const recordingLogger = () => {
  const lines: string[] = [];
  return { lines, error: (message: string) => void lines.push(message) };
};

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('guarded', () => {
  it('passes the arguments through and returns nothing', () => {
    const seen: unknown[] = [];
    const wrapped = guarded('adder', (a: number, b: string) => seen.push(a, b));
    expect(wrapped(1, 'two')).toBeUndefined();
    expect(seen).toEqual([1, 'two']);
  });

  it('logs a throw instead of letting it escape', () => {
    const logger = recordingLogger();
    const wrapped = guarded(
      'tick',
      () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
      { logger },
    );
    expect(() => wrapped()).not.toThrow();
    expect(logger.lines).toEqual(['tick failed: RangeError: Maximum call stack size exceeded']);
  });

  it('logs the rejection of an async callback, leaving no unhandled rejection', async () => {
    const logger = recordingLogger();
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      guarded(
        'async tick',
        async () => {
          await settle();
          throw new Error('disk full');
        },
        { logger },
      )();
      await settle();
      await settle();
      expect(logger.lines).toEqual(['async tick failed: Error: disk full']);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('survives whatever is thrown: null, undefined, an unprintable object', () => {
    const logger = recordingLogger();
    const unprintable = Object.create(null) as object; // String() of it throws
    for (const thrown of [null, undefined, 'plain text', unprintable]) {
      guarded(
        'odd',
        () => {
          throw thrown;
        },
        { logger },
      )();
    }
    expect(logger.lines).toEqual([
      'odd failed: null',
      'odd failed: undefined',
      'odd failed: plain text',
      'odd failed: a thrown object that cannot be printed',
    ]);
  });

  it('hands the error and the arguments to onError, and guards onError too', () => {
    const logger = recordingLogger();
    const cleanedUp: unknown[] = [];
    const wrapped = guarded(
      'message',
      (_socket: string) => {
        throw new Error('bad frame');
      },
      {
        logger,
        onError: (err, socket) => {
          cleanedUp.push((err as Error).message, socket);
          throw new Error('close failed');
        },
      },
    );
    expect(() => wrapped('socket-1')).not.toThrow();
    expect(cleanedUp).toEqual(['bad frame', 'socket-1']);
    expect(logger.lines).toEqual([
      'message failed: Error: bad frame',
      'message (clean-up) failed: Error: close failed',
    ]);
  });

  it('names the failure from the arguments when asked to', () => {
    const logger = recordingLogger();
    const wrapped = guarded(
      (event: { type: string }) => `listener on ${event.type}`,
      (_event: { type: string }) => {
        throw new Error('nope');
      },
      { logger },
    );
    wrapped({ type: 'window.opened' });
    expect(logger.lines).toEqual(['listener on window.opened failed: Error: nope']);
  });

  it('keeps the guard when the logger itself throws', () => {
    const logger = {
      error: () => {
        throw new Error('EPIPE');
      },
    };
    const wrapped = guarded(
      'tick',
      () => {
        throw new Error('boom');
      },
      { logger },
    );
    expect(() => wrapped()).not.toThrow();
  });

  it('keeps a timer from taking the process down', async () => {
    const logger = recordingLogger();
    await new Promise<void>((resolve) => {
      setTimeout(
        guarded(
          'timer',
          () => {
            resolve();
            throw new Error('in a timer');
          },
          { logger },
        ),
        0,
      );
    });
    expect(logger.lines).toEqual(['timer failed: Error: in a timer']);
  });
});

describe('describeError', () => {
  it('truncates long messages, which may carry attacker input', () => {
    const text = describeError(new Error('x'.repeat(100_000)), 50);
    expect(text).toBe(`Error: ${'x'.repeat(43)}…`);
  });
});
