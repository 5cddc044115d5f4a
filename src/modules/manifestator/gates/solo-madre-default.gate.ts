import { failed, GateResult, listSome, ok } from './gate';

export interface PowerSnapshot {
  defaultPolicy: string;
  /** The optional modules the default policy wakes (config `policies`). */
  defaultPolicyMembers: readonly string[];
  appliedPolicy: string;
  windowId: string | null;
  windowServices: readonly string[];
  modules: ReadonlyArray<{ name: string; category: string; state: string }>;
}

/**
 * solo_madre_default: the default policy is solo_madre (core only), it is the one applied, and
 * what runs matches: every core module active, no optional module active except an open
 * window's.
 */
export function soloMadreDefault(s: PowerSnapshot): GateResult {
  const activeOptional = s.modules
    .filter((m) => m.category === 'optional' && m.state === 'active')
    .map((m) => m.name);
  const coreDown = s.modules
    .filter((m) => m.category === 'core' && m.state !== 'active')
    .map((m) => `${m.name} (${m.state})`);
  const evidence = {
    default_policy: s.defaultPolicy,
    default_policy_members: s.defaultPolicyMembers,
    applied_policy: s.appliedPolicy,
    window_id: s.windowId,
    window_services: s.windowServices,
    active_optional: activeOptional,
  };
  if (s.defaultPolicy !== 'solo_madre') {
    return failed(`the default policy is ${s.defaultPolicy}, not solo_madre`, evidence);
  }
  if (s.defaultPolicyMembers.length > 0) {
    return failed(
      `policy solo_madre wakes optional modules: ${listSome(s.defaultPolicyMembers)}`,
      evidence,
    );
  }
  if (s.appliedPolicy !== 'solo_madre') {
    return failed(`policy ${s.appliedPolicy} is applied, not the default solo_madre`, evidence);
  }
  if (coreDown.length > 0) {
    return failed(`core modules not active: ${listSome(coreDown)}`, evidence);
  }
  const outside = activeOptional.filter((m) => !s.windowServices.includes(m));
  if (outside.length > 0) {
    return failed(
      s.windowId
        ? `optional modules active outside window ${s.windowId}: ${listSome(outside)}`
        : `optional modules active with no window open: ${listSome(outside)}`,
      evidence,
    );
  }
  return ok(evidence);
}
