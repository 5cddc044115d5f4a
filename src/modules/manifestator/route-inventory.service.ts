import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { RouteTable } from '../../core/http/route-table';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { routeKey } from './manifest';

/**
 * The metadata key @OwnedBy() writes (core/registry/module-active.guard.ts keeps it private);
 * route-inventory.spec.ts fails if the two ever part.
 */
export const OWNED_BY_KEY = 'vx11:module';

/** A route of the live table and what Nest knows of its handler (nothing for non-Nest routes). */
export interface LiveRoute {
  method: string;
  path: string;
  /** The module that @OwnedBy() names: its ModuleActiveGuard answers 503 while it is dormant. */
  owned_by: string | null;
  /** The VX11 module whose Nest module hosts the controller (null: non-Nest or shared module). */
  host_module: string | null;
  /** The controller class, for evidence. */
  controller: string | null;
}

interface HandlerInfo {
  owned_by: string | null;
  host_module: string | null;
  controller: string;
}

function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** `TentaculoLinkModule` → `tentaculo_link`. */
export function vx11NameOf(nestModule: string): string {
  return nestModule
    .replace(/Module$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The live HTTP surface: every route Fastify registered (the core RouteTable, recorded by its
 * onRoute hook) joined with the Nest handler metadata behind it — which module owns it
 * (@OwnedBy) and which module's controller serves it.
 */
@Injectable()
export class RouteInventory {
  private handlers: Map<string, HandlerInfo> | undefined;

  constructor(
    private readonly routes: RouteTable,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: ModuleRegistry,
  ) {}

  list(): LiveRoute[] {
    const handlers = this.handlerMap();
    return this.routes.list().map((r) => {
      const info = handlers.get(routeKey(r.method, r.url));
      return {
        method: r.method,
        path: r.url,
        owned_by: info?.owned_by ?? null,
        host_module: info?.host_module ?? null,
        controller: info?.controller ?? null,
      };
    });
  }

  /** Nest's controllers never change after boot: read their metadata once. */
  private handlerMap(): Map<string, HandlerInfo> {
    if (this.handlers) return this.handlers;
    const map = new Map<string, HandlerInfo>();
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type?.prototype) continue;
      const hostName = (wrapper.host?.metatype as { name?: string } | undefined)?.name;
      const vx11 = hostName ? vx11NameOf(hostName) : null;
      const host_module = vx11 && this.registry.has(vx11) ? vx11 : null;
      const classOwner = (Reflect.getMetadata(OWNED_BY_KEY, type) as string | undefined) ?? null;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined]
        .flat()
        .map((p) => p ?? '');
      const proto = type.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (method === undefined || paths === undefined) continue;
        const owned_by =
          (Reflect.getMetadata(OWNED_BY_KEY, handler) as string | undefined) ?? classOwner;
        const verbs =
          method === RequestMethod.ALL
            ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
            : [RequestMethod[method]];
        for (const prefix of prefixes) {
          for (const path of [paths].flat()) {
            for (const verb of verbs) {
              map.set(routeKey(verb, joinPath(prefix, path)), {
                owned_by,
                host_module,
                controller: type.name,
              });
            }
          }
        }
      }
    }
    this.handlers = map;
    return map;
  }
}
