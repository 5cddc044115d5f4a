import { getHeapSpaceStatistics } from 'node:v8';
import { IdleHeapTrim, reduceHeap } from './idle-heap-trim';

const MB = 1024 * 1024;

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.physical_space_size;
}

describe('IdleHeapTrim', () => {
  function trimmer(slackMb: number) {
    const trims: number[] = [];
    const reports: unknown[] = [];
    let slack = slackMb * MB;
    const idle = new IdleHeapTrim({
      minSlackBytes: 16 * MB,
      quietChecks: 1,
      slack: () => slack,
      trim: () => {
        trims.push(slack);
        slack = 1 * MB;
        return Promise.resolve();
      },
      report: (outcome) => reports.push(outcome),
    });
    return { idle, trims, reports, setSlack: (mb: number) => (slack = mb * MB) };
  }

  it('trims once the process is quiet, once per quiet spell, again after more work', async () => {
    const { idle, trims, reports, setSlack } = trimmer(30);
    expect(await idle.check(0.5)).toBe(false); // busy: no trim
    expect(await idle.check(0.001)).toBe(true);
    expect(trims).toEqual([30 * MB]);
    expect(reports).toEqual([{ freedBytes: 29 * MB, ms: expect.any(Number) }]);
    setSlack(40);
    expect(await idle.check(0.001)).toBe(false); // the same quiet spell
    expect(await idle.check(0.3)).toBe(false); // work again
    expect(await idle.check(0.01)).toBe(true);
    expect(trims).toEqual([30 * MB, 40 * MB]);
  });

  it('waits for a whole quiet spell: a busy check in between starts it again', async () => {
    const trims: number[] = [];
    const idle = new IdleHeapTrim({
      quietChecks: 3,
      slack: () => 64 * MB,
      trim: () => {
        trims.push(1);
        return Promise.resolve();
      },
    });
    expect(await idle.check(0)).toBe(false);
    expect(await idle.check(0)).toBe(false);
    expect(await idle.check(0.5)).toBe(false); // a burst between two lulls
    expect(await idle.check(0)).toBe(false);
    expect(await idle.check(0.01)).toBe(false);
    expect(trims).toEqual([]);
    expect(await idle.check(0)).toBe(true); // three quiet checks in a row
    expect(trims).toEqual([1]);
  });

  it('by default lets 30 s of quiet pass (six checks) before a full GC', async () => {
    let calls = 0;
    const idle = new IdleHeapTrim({
      slack: () => 64 * MB,
      trim: () => {
        calls += 1;
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 5; i += 1) expect(await idle.check(0)).toBe(false);
    expect(calls).toBe(0);
    expect(await idle.check(0)).toBe(true);
  });

  it('leaves the heap alone when it holds too little to be worth a full GC', async () => {
    const { idle, trims, setSlack } = trimmer(8);
    expect(await idle.check(0)).toBe(false);
    setSlack(20); // still the same quiet spell, and now worth it
    expect(await idle.check(0)).toBe(true);
    expect(trims).toEqual([20 * MB]);
  });

  it('reports a failed trim and tries again in the next quiet spell', async () => {
    const reports: unknown[] = [];
    let calls = 0;
    const idle = new IdleHeapTrim({
      quietChecks: 1,
      slack: () => 64 * MB,
      trim: () => {
        calls += 1;
        return Promise.reject(new Error('no inspector'));
      },
      report: (outcome) => reports.push(outcome),
    });
    expect(await idle.check(0)).toBe(false);
    expect(reports).toEqual([{ error: 'no inspector' }]);
    await idle.check(0.9);
    await idle.check(0);
    expect(calls).toBe(2);
  });
});

describe('reduceHeap', () => {
  it("gives back the young generation's pages, which a plain allocation burst leaves grown", async () => {
    let keep: Array<{ i: number; s: string }> = [];
    for (let i = 0; i < 1_000_000; i += 1) {
      const o = { i, s: `x${i}` };
      if (i % 100 === 0) keep.push(o);
    }
    keep = keep.slice(0, 10);
    const grown = newSpaceBytes();
    await reduceHeap();
    expect(keep).toHaveLength(10);
    expect(newSpaceBytes()).toBeLessThan(grown / 2);
  });
});
