import { LocalResponder } from './local-responder';

function responder(windowOpen = false) {
  const power = {
    state: () => ({
      mode: 'solo_madre',
      policy: 'solo_madre',
      active_services: ['tentaculo_link', 'madre', 'operator'],
      window_id: windowOpen ? 'w-1' : null,
      deadline: windowOpen ? '2026-01-01T00:00:00.000Z' : null,
    }),
  };
  const windows = {
    view: () =>
      windowOpen ? { window_id: 'w-1', services: ['switch'], ttl_remaining_sec: 30 } : null,
  };
  const registry = {
    list: () => [
      { meta: { name: 'madre' }, state: 'active' },
      { meta: { name: 'switch' }, state: windowOpen ? 'active' : 'off' },
    ],
  };
  const redis = { isUp: () => false };
  return new LocalResponder(power as never, windows as never, registry as never, redis as never);
}

describe('LocalResponder', () => {
  it('reports the real status for a status question', () => {
    const text = responder().reply('what is the status?', 'switch dormant');
    expect(text).toContain('mode solo_madre');
    expect(text).toContain('Redis down');
    expect(text).toContain('no window open');
  });

  it('lists module states and the open window', () => {
    expect(responder().reply('modules', 'x')).toBe('Modules: madre=active, switch=off.');
    expect(responder(true).reply('is there a window?', 'x')).toContain(
      'Window w-1 is open for switch (30 s left)',
    );
  });

  it('says plainly that full chat is unavailable for anything else, with the reason', () => {
    const text = responder().reply('write me a poem', 'switch dormant');
    expect(text).toContain('Full chat is unavailable right now (switch dormant)');
  });

  it('answers the same question the same way', () => {
    expect(responder().reply('help', 'y')).toBe(responder().reply('help', 'y'));
  });
});
