/** Freezes Date at `at`; promises, timers and I/O run as usual. Undo with jest.useRealTimers(). */
export function freezeClock(at: string): void {
  jest.useFakeTimers({
    now: Date.parse(at),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Moves the frozen Date forward. */
export const advanceClock = (ms: number): void => jest.setSystemTime(Date.now() + ms);
