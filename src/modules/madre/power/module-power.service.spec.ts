import { Logger } from '@nestjs/common';
import { Repository } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { EventBus } from '../../../core/events/event-bus.service';
import { HumanLogService } from '../../../core/logging/human-log.service';
import { HealthReport, ModuleLifecycle } from '../../../core/registry/lifecycle';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { ModuleStateEntity } from '../../../core/registry/module-state.entity';
import { ModulePowerService } from './module-power.service';
import { PowerEventEntity } from './power-event.entity';

/** A switch lifecycle whose deactivate() never settles until told to. */
class HangingLifecycle implements ModuleLifecycle {
  readonly name = 'switch';
  readonly stepTimeoutMs = 50;
  hang = true;
  activations = 0;
  async activate(): Promise<void> {
    this.activations += 1;
  }
  deactivate(): Promise<void> {
    return this.hang ? new Promise(() => undefined) : Promise.resolve();
  }
  async health(): Promise<HealthReport> {
    return { ok: true, detail: 'fine' };
  }
}

describe('ModulePowerService', () => {
  const registry = new ModuleRegistry({ legacyPorts: {} } as unknown as AppConfig);
  const lifecycle = new HangingLifecycle();
  registry.attach(lifecycle);
  const repo = { upsert: async () => undefined, insert: async () => undefined };
  const power = new ModulePowerService(
    registry,
    new EventBus(),
    { write: () => undefined } as unknown as HumanLogService,
    repo as unknown as Repository<ModuleStateEntity>,
    repo as unknown as Repository<PowerEventEntity>,
  );

  // The failure is logged as an ERROR: captured here, so a green run prints none.
  let loggedError: jest.SpyInstance;
  beforeEach(() => {
    loggedError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('marks a module failed when deactivate() outlives its bound, and stays usable', async () => {
    await expect(power.activate('switch', 'test')).resolves.toBe(true);
    await expect(power.deactivate('switch', 'window closed')).resolves.toBe(false);
    expect(registry.get('switch')).toMatchObject({
      state: 'failed',
      lastError: 'switch deactivate timed out after 50 ms',
    });
    expect(loggedError).toHaveBeenCalledWith(
      expect.stringMatching(/^switch \S+ -> failed \(window closed\): switch deactivate timed out/),
    );
    // Nothing is left waiting on the hung step: the module's next transitions run.
    await expect(power.activate('switch', 'window opened')).resolves.toBe(true);
    lifecycle.hang = false;
    await expect(power.deactivate('switch', 'window closed')).resolves.toBe(true);
    expect(registry.state('switch')).toBe('off');
    expect(lifecycle.activations).toBe(2);
  });
});
