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

  it('takes a free slot at once, without a promise, and says when none is free', () => {
    const slots = new ProviderSlots();
    expect(typeof slots.take('p', undefined)).toBe('function');
    const first = slots.take('p', 2);
    const second = slots.take('p', 2);
    expect(typeof first).toBe('function');
    expect(typeof second).toBe('function');
    expect(slots.take('p', 2)).toBeUndefined();
    expect(slots.inFlight('p')).toBe(2);
    first!();
    expect(slots.inFlight('p')).toBe(1);
    second!();
    expect(slots.inFlight('p')).toBe(0);
  });

  it('gives a freed slot to a waiter before anyone may take it', async () => {
    const slots = new ProviderSlots();
    const held = slots.take('p', 1)!;
    const waiting = slots.acquire('p', 1, 5000);
    held();
    expect(slots.take('p', 1)).toBeUndefined(); // the waiter has it
    (await waiting)!();
    expect(slots.inFlight('p')).toBe(0);
  });
});
