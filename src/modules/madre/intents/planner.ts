import { IntentErrors } from './intent-errors';
import { ApiError } from '../../../core/errors/api-error';
import { IntentAction, normalizeText, ParsedIntent, parseIntentText } from './intent-parser';
import type { IntentType, Risk } from './plan.entity';
import { assessRisk, maxRisk } from './risk';
import { PlannedStep } from './step-spec';

/** An intent as submitted (already validated for shape and size). */
export interface IntentRequest {
  intent_type: IntentType;
  text?: string;
  payload?: Record<string, unknown>;
  require?: string[];
  priority?: number;
  correlation_id?: string;
}

/** What the planner may know about the system when it plans. */
export interface PlannerEnv {
  isActive(module: string): boolean;
  /** True when a switch-tier provider is configured (waking switch would be pointless otherwise). */
  switchHasProviders: boolean;
  /** TTL of the windows madre opens on demand. */
  wakeTtlSec: number;
  /** window.maxTtlSec: no window madre opens outlives it. */
  maxWindowTtlSec: number;
  windowAllowlist: readonly string[];
}

export interface Plan {
  action: IntentAction;
  parsed: ParsedIntent | null;
  steps: PlannedStep[];
  risk: Risk;
  riskReasons: string[];
  explanation: string;
  /** How sure the planner is of its reading of the intent (madre.decision.explained). */
  confidence: number;
}

const ACTION_OF: Partial<Record<IntentType, IntentAction>> = {
  chat: 'chat',
  status: 'healthcheck',
  healthcheck: 'healthcheck',
  open_window: 'open_window',
  close_window: 'close_window',
  maintenance: 'run_maintenance',
  spawn: 'spawn',
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;

function invalid(field: string, message: string): ApiError {
  return new ApiError(IntentErrors.invalid_intent, message, [{ field, errors: [message] }]);
}

/**
 * Wake on demand: a step that needs a dormant module runs inside a window madre opens for it
 * (bounded TTL) and closes afterwards — also when the step fails (a cleanup step).
 */
export function wrapWake(
  modules: string[],
  inner: PlannedStep[],
  env: PlannerEnv,
  notes: string[],
  /** The inner steps need at least this long (e.g. a program's own TTL). */
  minTtlSec = 0,
): PlannedStep[] {
  const ttlSec = Math.min(env.maxWindowTtlSec, Math.max(env.wakeTtlSec, minTtlSec));
  const wanted = [...new Set(modules)];
  if (wanted.length === 0) return inner;
  const dormant = wanted.filter((m) => !env.isActive(m));
  if (dormant.length === 0) {
    notes.push(`${wanted.join(', ')} already active, so no window is needed`);
    return inner;
  }
  const names = dormant.join(', ');
  notes.push(`${names} dormant: madre opens a ${ttlSec} s window and closes it afterwards`);
  return [
    { type: 'OPEN_WINDOW', params: { services: dormant, ttl_sec: ttlSec, wake: true } },
    ...inner,
    { type: 'CLOSE_WINDOW', params: { services: dormant, wake: true }, cleanup: true },
  ];
}

/** Turns an intent into typed steps, a risk and an explanation, deterministically. */
export function planIntent(intent: IntentRequest, env: PlannerEnv): Plan {
  const payload = intent.payload ?? {};
  const parsed = intent.text ? parseIntentText(intent.text) : null;
  const action: IntentAction =
    intent.intent_type === 'free_text'
      ? (parsed?.action ?? 'chat')
      : ACTION_OF[intent.intent_type]!;
  const notes: string[] = [];
  let steps: PlannedStep[];
  let summary: string;
  let confidence = intent.intent_type === 'free_text' ? (parsed?.matched.length ? 0.7 : 0.4) : 0.95;

  const required = intent.require ?? [];
  for (const [i, name] of required.entries()) {
    if (!env.windowAllowlist.includes(name)) {
      throw invalid(
        `require[${i}]`,
        `${name} is not in the window allowlist (${env.windowAllowlist.join(', ')})`,
      );
    }
  }

  switch (action) {
    case 'healthcheck':
      summary = 'Run a health check of every active module';
      steps = wrapWake(required, [{ type: 'SYSTEM_HEALTHCHECK', params: {} }], env, notes);
      break;
    case 'chat': {
      const message = str(payload.message) ?? intent.text;
      if (!message) throw invalid('text', 'a chat intent needs text (or payload.message)');
      summary = 'Answer the message through the chat chain (switch → madre → local)';
      const call: PlannedStep = { type: 'CALL_SWITCH', params: { message } };
      if (env.switchHasProviders) steps = wrapWake(['switch', ...required], [call], env, notes);
      else {
        notes.push('no switch-tier provider is configured, so switch is not woken');
        steps = wrapWake(required, [call], env, notes);
      }
      break;
    }
    case 'open_window': {
      const target = str(payload.target) ?? str(payload.service) ?? parsed?.target ?? undefined;
      if (!target)
        throw invalid('payload.target', 'open_window needs payload.target (a module name)');
      if (!env.windowAllowlist.includes(target)) {
        throw invalid(
          'payload.target',
          `${target} is not in the window allowlist (${env.windowAllowlist.join(', ')})`,
        );
      }
      const ttl = payload.ttl_sec ?? env.wakeTtlSec;
      if (!Number.isInteger(ttl) || (ttl as number) < 1 || (ttl as number) > env.maxWindowTtlSec) {
        throw invalid(
          'payload.ttl_sec',
          `ttl_sec must be an integer from 1 to ${env.maxWindowTtlSec}`,
        );
      }
      summary = `Open a power window for ${target}`;
      steps = [{ type: 'OPEN_WINDOW', params: { services: [target], ttl_sec: ttl, wake: false } }];
      break;
    }
    case 'close_window':
      summary = 'Close the open power window';
      steps = [{ type: 'CLOSE_WINDOW', params: { wake: false } }];
      break;
    case 'run_maintenance': {
      const applyRetention = payload.apply_retention === true;
      summary = 'Run maintenance: integrity checks, a verified backup, rotation and the DB map';
      const inner: PlannedStep[] = [
        { type: 'SYSTEM_HEALTHCHECK', params: {} },
        { type: 'RUN_MAINTENANCE', params: { apply_retention: applyRetention } },
      ];
      if (/\b(restor|restaur)/.test(normalizeText(intent.text ?? ''))) {
        notes.push(
          'a restore swaps the database file and needs the server stopped: madre takes a verified backup now; restore with `vx11 restore <file>`',
        );
        inner.push({
          type: 'NOOP',
          params: {
            note: 'restore itself is offline: run `vx11 restore <backup>` with the server stopped',
          },
        });
      }
      steps = wrapWake(required, inner, env, notes);
      break;
    }
    case 'spawn': {
      const program = str(payload.program);
      if (!program)
        throw invalid(
          'payload.program',
          'a spawn intent needs payload.program (an allowlisted program)',
        );
      const params: Record<string, unknown> = { program };
      for (const key of ['args', 'ttl_sec', 'cwd', 'name', 'stdin']) {
        if (payload[key] !== undefined) params[key] = payload[key];
      }
      summary = `Run the allowlisted program "${program}" through the spawner`;
      // The window outlives the run's own TTL (the spawner kills runs when its window closes).
      const runTtl = typeof payload.ttl_sec === 'number' ? payload.ttl_sec + 30 : 0;
      steps = wrapWake(
        ['spawner', ...required],
        [{ type: 'SPAWNER_REQUEST', params }],
        env,
        notes,
        runTtl,
      );
      break;
    }
  }

  const { risk, reasons } = assessRisk(
    [intent.text, str(payload.message)],
    steps.map((s) => s.type),
  );
  if (risk !== 'LOW') confidence = Math.min(confidence, 0.9);
  const explanation = [
    `${summary}.`,
    parsed
      ? `Read "${intent.text!.slice(0, 80)}" as ${parsed.domain}/${parsed.action}${parsed.target ? ` (target ${parsed.target})` : ''}${parsed.matched.length ? ` from "${parsed.matched[0]}"` : ' (no keyword matched: a chat)'}.`
      : null,
    ...notes.map((n) => `${n[0].toUpperCase()}${n.slice(1)}.`),
    riskLine(risk, reasons),
  ]
    .filter(Boolean)
    .join(' ');
  return { action, parsed, steps, risk, riskReasons: reasons, explanation, confidence };
}

const riskLine = (risk: Risk, reasons: string[]) =>
  `Risk ${risk}${reasons.length ? `: ${reasons.join(', ')}` : ''}${risk === 'LOW' ? '; runs at once.' : '; waits for confirmation.'}`;

/** A madre-tier proposal that passed checkLlmPlan. */
export interface LlmProposal {
  steps: PlannedStep[];
  explanation: string;
  confidence: number;
}

/**
 * Uses a validated madre-tier plan instead of the keyword plan: madre still adds the wake
 * windows (unless the proposal manages windows itself), and the risk is never lower than the
 * keyword plan's.
 */
export function adoptLlmPlan(
  intent: IntentRequest,
  base: Plan,
  proposal: LlmProposal,
  env: PlannerEnv,
): Plan {
  const notes: string[] = [];
  const has = (type: string) => proposal.steps.some((s) => s.type === type);
  const needs = [
    ...(has('CALL_SWITCH') && env.switchHasProviders ? ['switch'] : []),
    ...(has('SPAWNER_REQUEST') ? ['spawner'] : []),
    ...(intent.require ?? []),
  ];
  const steps = has('OPEN_WINDOW') ? proposal.steps : wrapWake(needs, proposal.steps, env, notes);
  const assessed = assessRisk(
    [intent.text, str(intent.payload?.message)],
    steps.map((s) => s.type),
  );
  const risk = maxRisk(assessed.risk, base.risk);
  const reasons = [...new Set([...base.riskReasons, ...assessed.reasons])];
  const explanation = [
    `${proposal.explanation.replace(/\.?$/, '.')} (a madre-tier plan, checked against the step schema)`,
    ...notes.map((n) => `${n[0].toUpperCase()}${n.slice(1)}.`),
    riskLine(risk, reasons),
  ].join(' ');
  return {
    ...base,
    steps,
    risk,
    riskReasons: reasons,
    explanation,
    confidence: proposal.confidence,
  };
}
