import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import pino from 'pino';
import { TurnBatchedDestination } from './turn-batched-destination';

describe('TurnBatchedDestination', () => {
  it("writes a turn's lines in one write, at the end of that turn", async () => {
    const writes: string[] = [];
    const destination = new TurnBatchedDestination({ write: (chunk) => writes.push(chunk) });
    destination.write('a\n');
    destination.write('b\n');
    destination.write('c\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
    destination.write('d\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('writes what is pending when flushed (as at process exit), and nothing twice', async () => {
    const writes: string[] = [];
    const destination = new TurnBatchedDestination({ write: (chunk) => writes.push(chunk) });
    destination.write('last\n');
    destination.flush();
    expect(writes).toEqual(['last\n']);
    await nextTurn();
    destination.flush();
    expect(writes).toEqual(['last\n']);
  });

  it('carries pino lines to a file intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx11-turn-log-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'a');
    try {
      const logger = pino(
        { base: undefined },
        new TurnBatchedDestination(pino.destination({ fd, sync: true })),
      );
      for (let i = 0; i < 100; i += 1) logger.info({ i }, 'request line');
      expect(readFileSync(file, 'utf8')).toBe('');
      await nextTurn();
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l: { i: number }) => l.i)).toEqual([...Array(100).keys()]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
