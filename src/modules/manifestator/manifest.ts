import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The manifest's schemas, built (and zod required) on first parse rather than at import: the
 * manifest is read when manifestator or a drift check asks, never by an idle VX11.
 */
function buildSchemas() {
  const { z } = require('zod') as typeof import('zod');
  const routeSchema = z
    .object({
      method: z.enum(METHODS),
      path: z.string().regex(/^\/[^\s?#]*$/, 'a path starting with /, no query'),
      source: z.string().min(1).max(64),
    })
    .strict();

  const publicRouteSchema = routeSchema
    .extend({ when: z.enum(['metricsPublic']).optional() })
    .strict();

  const moduleSchema = z
    .object({
      name: z.string().regex(/^[a-z_]{1,32}$/),
      category: z.enum(['core', 'optional']),
      default: z.enum(['active', 'dormant']),
      legacy_port: z.union([z.number().int(), z.array(z.number().int())]),
      routes: z.array(routeSchema).max(500),
    })
    .strict();

  const manifestSchema = z
    .object({
      $comment: z.string().optional(),
      version: z.literal(1),
      modules: z.array(moduleSchema).min(1).max(64),
      public_routes: z.array(publicRouteSchema).max(200),
      events: z
        .object({
          canonical: z.record(z.array(z.string().min(1)).min(1)),
          emitted: z.array(z.string().min(1)),
        })
        .strict(),
    })
    .strict();
  return { routeSchema, publicRouteSchema, moduleSchema, manifestSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;

export type ManifestRoute = z.infer<Schemas['routeSchema']>;
export type ManifestPublicRoute = z.infer<Schemas['publicRouteSchema']>;
export type ManifestModule = z.infer<Schemas['moduleSchema']>;
export type Manifest = z.infer<Schemas['manifestSchema']>;

/** A declared route with the module that declares it. */
export interface DeclaredRoute extends ManifestRoute {
  module: string;
}

/** The manifest could not be read or does not have the expected shape. */
export class ManifestError extends Error {}

/**
 * The identity of a route for comparison: method and path with parameter names dropped
 * (`/plans/:id` and `/plans/:planId` are the same route to Fastify).
 */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/:[^/]+/g, ':')}`;
}

/** Validates a parsed manifest: shape, then no route or module declared twice. */
export function parseManifest(raw: unknown, source = 'manifest'): Manifest {
  schemas ??= buildSchemas();
  const parsed = schemas.manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  const modules = new Set<string>();
  const routes = new Map<string, string>();
  for (const mod of manifest.modules) {
    if (modules.has(mod.name)) throw new ManifestError(`${source}: module ${mod.name} twice`);
    modules.add(mod.name);
    for (const route of mod.routes) {
      const key = routeKey(route.method, route.path);
      const other = routes.get(key);
      if (other) throw new ManifestError(`${source}: ${key} declared by ${other} and ${mod.name}`);
      routes.set(key, mod.name);
    }
  }
  return manifest;
}

/** Every declared route with its module, in manifest order. */
export function declaredRoutes(manifest: Manifest): DeclaredRoute[] {
  return manifest.modules.flatMap((m) => m.routes.map((r) => ({ ...r, module: m.name })));
}

/** Largest manifest file read (it is a few KiB; anything near this is not a manifest). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Reads the manifest from a file, re-reading only when its size or mtime changed, so an edit
 * shows in the next drift without a restart.
 */
export class ManifestFile {
  private cached: { stamp: string; manifest: Manifest } | undefined;

  constructor(readonly path: string) {}

  load(): Manifest {
    let stamp: string;
    try {
      const st = statSync(this.path);
      if (st.size > MAX_MANIFEST_BYTES) {
        throw new ManifestError(`${this.path}: ${st.size} bytes, over ${MAX_MANIFEST_BYTES}`);
      }
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch (err) {
      if (err instanceof ManifestError) throw err;
      throw new ManifestError(`${this.path}: ${(err as Error).message}`);
    }
    if (this.cached?.stamp === stamp) return this.cached.manifest;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new ManifestError(`${this.path}: ${(err as Error).message}`);
    }
    const manifest = parseManifest(raw, this.path);
    this.cached = { stamp, manifest };
    return manifest;
  }
}
