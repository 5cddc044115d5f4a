import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../errors/api-error';
import { ModuleRegistry } from './module-registry.service';
import { CoreErrors } from '../errors/core-errors';

const OWNING_MODULE = 'vx11:module';

/**
 * Declares which VX11 module owns a controller (or one route); its routes answer 503 while it
 * is not active. The guard goes only where an owner is declared: routes of no module (health,
 * chat, events) skip Nest's guard step altogether.
 */
export const OwnedBy = (moduleName: string) =>
  applyDecorators(SetMetadata(OWNING_MODULE, moduleName), UseGuards(ModuleActiveGuard));

export const WAKE_HINT = 'POST /madre/power/window/open';

/** Put on a module's routes by @OwnedBy() (after the token check): refuses them while dormant. */
@Injectable()
export class ModuleActiveGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ModuleRegistry,
  ) {}

  /** Each route's owner, looked up once: metadata does not change after boot. */
  private readonly owners = new WeakMap<object, WeakMap<object, string | undefined>>();

  private ownerOf(context: ExecutionContext): string | undefined {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.owners.get(controller);
    if (byHandler === undefined) this.owners.set(controller, (byHandler = new WeakMap()));
    if (byHandler.has(handler)) return byHandler.get(handler);
    const owner = this.reflector.getAllAndOverride<string | undefined>(OWNING_MODULE, [
      handler,
      controller,
    ]);
    byHandler.set(handler, owner);
    return owner;
  }

  canActivate(context: ExecutionContext): boolean {
    const owner = this.ownerOf(context);
    if (owner === undefined || this.registry.isActive(owner)) return true;
    throw new ApiError(
      CoreErrors.module_dormant,
      `Module ${owner} is ${this.registry.state(owner)}`,
      undefined,
      {
        module: owner,
        hint: WAKE_HINT,
      },
    );
  }
}
