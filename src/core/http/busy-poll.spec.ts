import { waitFor } from '../../../test/support/wait-for';
import { BusyPoll, busyPollQuietUs, DEFAULT_BUSY_POLL_US } from './busy-poll';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** After one more turn of the spin (queued before this immediate, it runs first). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * How many turns the spin queued while this process waited `ms` on a timer: a pending immediate
 * makes libuv poll with a zero timeout, so each is a turn the loop did not sleep through.
 */
async function spinTurnsOver(ms: number): Promise<number> {
  const spy = jest.spyOn(global, 'setImmediate');
  try {
    await sleep(ms);
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('BusyPoll', () => {
  it('keeps the event loop turning after a wake, then lets it sleep', async () => {
    const poll = new BusyPoll(20_000); // 20 ms
    poll.wake();
    expect(poll.spinningNow).toBe(true);
    // Even preempted on a busy machine, 30 ms hold far more than 20 turns of a few µs.
    expect(await spinTurnsOver(30)).toBeGreaterThan(20);
    await waitFor(() => !poll.spinningNow, 5000, 5);
    expect(await spinTurnsOver(30)).toBe(0);
  });

  describe('on a test clock (ms; 2 ms of quiet, so at most 20 ms per request)', () => {
    let clock = 0;
    let poll: BusyPoll;
    /** Turns `count` times, the clock moving `stepMs` before each: < 0.05 ms is a bare turn. */
    const turns = async (count: number, stepMs: number) => {
      for (let i = 0; i < count && poll.spinningNow; i += 1) {
        clock += stepMs;
        await nextTurn();
      }
    };

    beforeEach(() => {
      clock = 0;
      poll = new BusyPoll(2000, () => clock);
      poll.wake();
    });

    it('stops once the loop has had nothing to do for the quiet time', async () => {
      await turns(48, 0.04); // 1.92 ms of bare turns
      expect(poll.spinningNow).toBe(true);
      await turns(4, 0.04); // past 2 ms
      expect(poll.spinningNow).toBe(false);
    });

    it('spins on through busy turns, but not past ten quiet times after the request', async () => {
      await turns(19, 1); // every turn 1 ms late: busy
      expect(poll.spinningNow).toBe(true);
      await turns(2, 1); // 21 ms
      expect(poll.spinningNow).toBe(false);
    });

    it('a request while spinning starts the ten quiet times again', async () => {
      await turns(15, 1);
      poll.wake(); // at 15 ms: until 35
      await turns(15, 1);
      expect(poll.spinningNow).toBe(true);
      await turns(10, 1);
      expect(poll.spinningNow).toBe(false);
      expect(clock).toBeLessThanOrEqual(36);
    });
  });

  it('a wake while spinning starts no second chain of turns', async () => {
    const poll = new BusyPoll(5_000);
    const spy = jest.spyOn(global, 'setImmediate');
    try {
      poll.wake();
      poll.wake();
      poll.wake();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    await waitFor(() => !poll.spinningNow, 5000, 5);
  });

  it('never spins when off', async () => {
    const poll = new BusyPoll(0);
    expect(poll.enabled).toBe(false);
    poll.wake();
    expect(poll.spinningNow).toBe(false);
    expect(await spinTurnsOver(30)).toBe(0);
  });
});

describe('busyPollQuietUs', () => {
  it('takes the configured time, 0 included', () => {
    expect(busyPollQuietUs(300, 8)).toBe(300);
    expect(busyPollQuietUs(0, 8)).toBe(0);
  });

  it('spins by default only with a second CPU to run what it waits for', () => {
    expect(busyPollQuietUs(undefined, 2)).toBe(DEFAULT_BUSY_POLL_US);
    expect(busyPollQuietUs(undefined, 1)).toBe(0);
  });
});
