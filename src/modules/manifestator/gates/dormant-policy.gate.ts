import { failed, GateResult, listSome, ok } from './gate';
import { errorCode, Inject, probeUrl } from './probe';

export interface DormantInputs {
  /** Optional modules and their state. */
  optional: ReadonlyArray<{ name: string; state: string }>;
  /** The routes that belong to each optional module (live, with their @OwnedBy owner). */
  routesOf: (
    module: string,
  ) => ReadonlyArray<{ method: string; path: string; owned_by: string | null }>;
  inject: Inject;
  authHeaders: Record<string, string>;
}

/**
 * dormant_policy_gates: every route of every optional module is refused while that module is
 * dormant. Statically, each such route must be owned by its module (@OwnedBy: the global
 * ModuleActiveGuard answers 503 module_dormant from that); live, each GET route of a module
 * that is dormant right now is requested with the token and must answer 503 module_dormant.
 */
export async function dormantPolicyGates(input: DormantInputs): Promise<GateResult> {
  const unowned: string[] = [];
  const notRefused: string[] = [];
  let probed = 0;
  let routes = 0;
  const perModule: Record<string, { state: string; routes: number; probed: number }> = {};
  for (const mod of input.optional) {
    const own = input.routesOf(mod.name);
    routes += own.length;
    perModule[mod.name] = { state: mod.state, routes: own.length, probed: 0 };
    for (const r of own) {
      if (r.owned_by !== mod.name) {
        unowned.push(`${r.method} ${r.path} (owned by ${r.owned_by ?? 'nobody'})`);
      }
    }
    if (mod.state === 'active') continue;
    for (const r of own.filter((x) => x.method === 'GET')) {
      const res = await input.inject({
        method: 'GET',
        url: probeUrl(r.path),
        headers: input.authHeaders,
      });
      probed += 1;
      perModule[mod.name].probed += 1;
      if (res.statusCode !== 503 || errorCode(res.body) !== 'module_dormant') {
        notRefused.push(`GET ${r.path} (${res.statusCode})`);
      }
    }
  }
  const evidence = { routes, probed, modules: perModule, unowned, not_refused: notRefused };
  if (unowned.length > 0) {
    return failed(
      `${unowned.length} optional-module route(s) not guarded by their module: ${listSome(unowned, 3)}`,
      evidence,
    );
  }
  if (notRefused.length > 0) {
    return failed(
      `${notRefused.length} route(s) of dormant modules answered: ${listSome(notRefused, 3)}`,
      evidence,
    );
  }
  return ok(evidence);
}
