import { failed, GateResult, listSome, ok } from './gate';

export interface ModuleSubstance {
  name: string;
  /** Live routes the module owns. */
  routes: number;
  /** Whether its lifecycle starts anything (workers, timers, connections). */
  runs_workers: boolean;
}

/**
 * no_stubs: every registered module owns something beyond its lifecycle — live routes of its
 * own or workers/timers its lifecycle starts. A module with neither is a stub.
 */
export function noStubs(modules: readonly ModuleSubstance[]): GateResult {
  const stubs = modules.filter((m) => m.routes === 0 && !m.runs_workers).map((m) => m.name);
  const evidence = { modules, stubs };
  return stubs.length > 0
    ? failed(`${stubs.length} module(s) own no route and run nothing: ${listSome(stubs)}`, evidence)
    : ok(evidence);
}
