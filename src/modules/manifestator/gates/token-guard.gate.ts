import { routeKey } from '../manifest';
import { failed, GateResult, listSome, ok } from './gate';
import { errorCode, Inject, probeUrl } from './probe';

/** A media type no route parses: an unguarded non-GET route answers 415 before its handler. */
export const PROBE_MEDIA_TYPE = 'application/x-vx11-guard-probe';

/** Probes in flight at once (each is an in-process request that stops at the token check). */
const PROBE_CONCURRENCY = 8;

/** Answers that mean the token check refused the request. */
const GUARD_CODES = new Set([
  'auth_required',
  'forbidden',
  'invalid_api_key', // a wrong token on /v1, in OpenAI's terms
  'too_many_auth_failures',
]);

export interface TokenGuardInputs {
  authMode: string;
  routes: ReadonlyArray<{ method: string; path: string }>;
  /** Route keys (see routeKey) the manifest declares public, already resolved for this config. */
  publicKeys: ReadonlySet<string>;
  inject: Inject;
}

/**
 * token_guard_enforced: auth mode is `token` and every route of the live table that the manifest
 * does not declare public refuses a request without the token. Each route is probed in-process
 * without a token; a non-GET probe carries a body of a type nothing parses, so even an
 * unguarded route stops at 415 before its handler.
 */
export async function tokenGuardEnforced(input: TokenGuardInputs): Promise<GateResult> {
  if (input.authMode !== 'token') {
    return failed(`auth mode is ${input.authMode}: no route requires the token`, {
      auth_mode: input.authMode,
      routes: input.routes.length,
    });
  }
  const probe = async (route: { method: string; path: string }) => {
    const body = route.method === 'GET' ? undefined : 'probe';
    const res = await input.inject({
      method: route.method,
      url: probeUrl(route.path),
      headers: body ? { 'content-type': PROBE_MEDIA_TYPE } : {},
      payload: body,
    });
    const guarded =
      (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 429) &&
      GUARD_CODES.has(errorCode(res.body) ?? '');
    return { route, status: res.statusCode, guarded };
  };
  const results: Array<Awaited<ReturnType<typeof probe>>> = [];
  for (let i = 0; i < input.routes.length; i += PROBE_CONCURRENCY) {
    results.push(...(await Promise.all(input.routes.slice(i, i + PROBE_CONCURRENCY).map(probe))));
  }
  const unguarded: string[] = [];
  const publicOpen: string[] = [];
  const publicGuarded: string[] = [];
  for (const { route, status, guarded } of results) {
    const label = `${route.method} ${route.path}`;
    const isPublic = input.publicKeys.has(routeKey(route.method, route.path));
    if (isPublic) (guarded ? publicGuarded : publicOpen).push(label);
    else if (!guarded) unguarded.push(`${label} (${status})`);
  }
  const evidence = {
    auth_mode: input.authMode,
    routes_probed: input.routes.length,
    guarded: input.routes.length - unguarded.length - publicOpen.length - publicGuarded.length,
    public_open: publicOpen,
    public_guarded: publicGuarded,
    unguarded,
  };
  if (unguarded.length > 0) {
    return failed(
      `${unguarded.length} non-public route(s) answer without the token: ${listSome(unguarded)}`,
      evidence,
    );
  }
  return ok(evidence);
}
