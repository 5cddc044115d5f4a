import { ProviderSlots } from './provider-slots';

describe('ProviderSlots', () => {
  it('never limits a provider without max_concurrency', async () => {
    const slots = new ProviderSlots();
    const releases = await Promise.all([1, 2, 3].map(() => slots.acquire('p', undefined, 0)));
    expect(releases.every((r) => typeof r === 'function')).toBe(true);
    expect(slots.inFlight('p')).toBe(0);
  });

  it('refuses past the limit once the wait is over, and hands a freed slot to the next waiter', async () => {
    const slots = new ProviderSlots();
    const first = await slots.acquire('p', 1, 0);
    expect(first).not.toBeNull();
    expect(await slots.acquire('p', 1, 0)).toBeNull();
    expect(await slots.acquire('p', 1, 20)).toBeNull();

    const waiting = slots.acquire('p', 1, 5000);
    first!();
    const second = await waiting;
    expect(second).not.toBeNull();
    expect(slots.inFlight('p')).toBe(1);
    first!(); // releasing twice gives back nothing more
    expect(slots.inFlight('p')).toBe(1);
    second!();
    expect(slots.inFlight('p')).toBe(0);
  });
});
