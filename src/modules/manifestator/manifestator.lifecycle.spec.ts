import type { AppConfig } from '../../core/config/app-config';
import type { ModuleRegistry } from '../../core/registry/module-registry.service';
import type { ManifestService } from './manifest.service';
import { ManifestatorLifecycle } from './manifestator.lifecycle';
import type { ScorecardService } from './scorecard.service';

describe('ManifestatorLifecycle', () => {
  const config = { manifestator: { checkIntervalSec: 60 } } as AppConfig;
  let state = 'off';
  const registry = { attach: jest.fn(), state: () => state } as unknown as ModuleRegistry;
  let manifestOk = true;
  const manifests = {
    path: '/x/manifest.json',
    load: () => {
      if (!manifestOk) throw new Error('manifest broken');
      return {};
    },
  } as unknown as ManifestService;
  let release: () => void = () => undefined;
  const scorecard = {
    attachChecker: jest.fn(),
    scorecard: jest.fn(
      () =>
        new Promise((resolve) => {
          release = () =>
            resolve({ generated_at: 'now', global_pct: 97, rails: { status: 'pass' } });
        }),
    ),
  } as unknown as ScorecardService;

  beforeEach(() => {
    jest.useFakeTimers();
    state = 'off';
    manifestOk = true;
  });
  afterEach(() => jest.useRealTimers());

  it('runs its checker only between activate and deactivate, one check at a time', async () => {
    const lc = new ManifestatorLifecycle(config, registry, manifests, scorecard);
    lc.onModuleInit();
    expect(lc.checkerRunning).toBe(false);
    await lc.activate();
    expect(lc.checkerRunning).toBe(true);
    jest.advanceTimersByTime(60_000);
    jest.advanceTimersByTime(60_000); // the first check still runs: not started twice
    expect(scorecard.scorecard).toHaveBeenCalledTimes(1);
    release();
    await lc.deactivate();
    expect(lc.checkerRunning).toBe(false);
    jest.advanceTimersByTime(600_000);
    expect(scorecard.scorecard).toHaveBeenCalledTimes(1);
  });

  it('refuses to activate with a broken manifest, and reports health from what it runs', async () => {
    const lc = new ManifestatorLifecycle(config, registry, manifests, scorecard);
    manifestOk = false;
    await expect(lc.activate()).rejects.toThrow('manifest broken');
    expect(lc.checkerRunning).toBe(false);
    expect((await lc.health()).ok).toBe(false);
    manifestOk = true;
    await lc.activate();
    state = 'active';
    expect(await lc.health()).toMatchObject({ ok: true });
    manifestOk = false;
    expect(await lc.health()).toMatchObject({ ok: false, detail: 'manifest broken' });
    await lc.deactivate();
  });
});
