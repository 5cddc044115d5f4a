import { onStrayRejection, strayRejectionCount } from './stray-rejections';

describe('onStrayRejection', () => {
  it('logs the reason with its stack and counts it', () => {
    const lines: Array<[string, string | undefined]> = [];
    const listener = onStrayRejection((message, stack) => lines.push([message, stack]));
    const before = strayRejectionCount();

    listener(new Error('connect EPIPE'));

    expect(strayRejectionCount()).toBe(before + 1);
    expect(lines).toHaveLength(1);
    expect(lines[0][0]).toBe(
      'Unhandled promise rejection (VX11 keeps serving): Error: connect EPIPE',
    );
    expect(lines[0][1]).toContain('stray-rejections.spec.ts');
  });

  it('never throws: odd reasons, a long one, a logger that throws', () => {
    const lines: string[] = [];
    const listener = onStrayRejection((message) => lines.push(message));
    const unprintable = {
      toString() {
        throw new Error('cannot print me');
      },
    };
    for (const reason of [null, undefined, 'a string', unprintable, 'x'.repeat(10_000)]) {
      expect(() => listener(reason)).not.toThrow();
    }
    expect(lines).toContain('Unhandled promise rejection (VX11 keeps serving): null');
    expect(lines).toContain(
      'Unhandled promise rejection (VX11 keeps serving): a thrown object that cannot be printed',
    );
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(600);

    const before = strayRejectionCount();
    const throwing = onStrayRejection(() => {
      throw new Error('log stream closed');
    });
    expect(() => throwing(new Error('boom'))).not.toThrow();
    expect(strayRejectionCount()).toBe(before + 1);
  });
});
