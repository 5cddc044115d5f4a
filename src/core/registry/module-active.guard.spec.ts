import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { ModuleActiveGuard, OwnedBy } from './module-active.guard';
import { ModuleRegistry } from './module-registry.service';

@OwnedBy('switch')
class SwitchController {
  route(): void {}
}

class CoreController {
  route(): void {}
  @OwnedBy('switch')
  owned(): void {}
}

function contextOf(controller: { prototype: object }, name: string): ExecutionContext {
  const handler = (controller.prototype as Record<string, () => void>)[name];
  return { getClass: () => controller, getHandler: () => handler } as unknown as ExecutionContext;
}

describe('ModuleActiveGuard', () => {
  const registry = new ModuleRegistry({ legacyPorts: {} } as unknown as AppConfig);
  const writer = registry.claimStateWriter();
  const reflector = new Reflector();
  const guard = new ModuleActiveGuard(reflector, registry);

  it('refuses routes of a module that is not active, every time, and lets others through', () => {
    writer.set('switch', 'off', '2030-01-01T00:00:00.000Z');
    const lookups = jest.spyOn(reflector, 'getAllAndOverride');
    for (let i = 0; i < 3; i += 1) {
      expect(() => guard.canActivate(contextOf(SwitchController, 'route'))).toThrow(ApiError);
      expect(() => guard.canActivate(contextOf(CoreController, 'owned'))).toThrow(
        'Module switch is off',
      );
      expect(guard.canActivate(contextOf(CoreController, 'route'))).toBe(true);
    }
    expect(lookups).toHaveBeenCalledTimes(3); // the owner of each route is looked up once
  });

  it('follows the module state as it changes (only the owner is remembered)', () => {
    writer.set('switch', 'active', '2030-01-01T00:01:00.000Z');
    expect(guard.canActivate(contextOf(SwitchController, 'route'))).toBe(true);
    writer.set('switch', 'off', '2030-01-01T00:02:00.000Z');
    expect(() => guard.canActivate(contextOf(SwitchController, 'route'))).toThrow(ApiError);
  });
});
