import { parseBoundedJson } from '../../../core/util/nesting';
import { STEP_TYPES, StepType } from './plan-step.entity';
import { PlannedStep } from './step-spec';

/** What a madre-tier plan may hold, checked before any of it is used. */
export interface LlmPlanLimits {
  windowAllowlist: readonly string[];
  maxTtlSec: number;
  maxTextChars: number;
}

export const MAX_LLM_STEPS = 8;
const MAX_REPLY_CHARS = 16_384;
const MAX_NOTE_CHARS = 500;

export type LlmPlanCheck =
  | { ok: true; steps: PlannedStep[]; explanation: string; confidence: number }
  | { ok: false; reason: string };

/** The instructions a madre-tier provider gets: the step schema, and JSON only. */
export const LLM_PLAN_PROMPT = [
  'You are madre, the planner of the VX11 control plane. Turn the operator intent into a plan.',
  'Reply with one JSON object and nothing else:',
  '{"steps":[{"type":"<STEP>","params":{...}}],"explanation":"<one or two sentences>","confidence":<0..1>}',
  `At most ${MAX_LLM_STEPS} steps. Step types and their params (no other keys):`,
  '- SYSTEM_HEALTHCHECK {}',
  '- CALL_SWITCH {"message": string} (a chat through the normal chain)',
  '- OPEN_WINDOW {"services": [module names], "ttl_sec": integer}',
  '- CLOSE_WINDOW {}',
  '- RUN_MAINTENANCE {"apply_retention"?: boolean}',
  '- SPAWNER_REQUEST {"program": string, "args"?: [string], "ttl_sec"?: integer}',
  '- NOOP {"note"?: string}',
  'Do not add windows for modules a step needs: madre wakes them itself.',
].join('\n');

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isInt = (v: unknown, min: number, max: number) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function onlyKeys(params: Record<string, unknown>, allowed: string[]): string | null {
  const extra = Object.keys(params).filter((k) => !allowed.includes(k));
  return extra.length ? `unexpected params ${extra.join(', ')}` : null;
}

/** Checks one step against its type's params; returns the problem, or null. */
function stepProblem(
  type: StepType,
  p: Record<string, unknown>,
  limits: LlmPlanLimits,
): string | null {
  switch (type) {
    case 'SYSTEM_HEALTHCHECK':
    case 'CLOSE_WINDOW':
      return onlyKeys(p, []);
    case 'CALL_SWITCH':
      if (
        typeof p.message !== 'string' ||
        p.message.length === 0 ||
        p.message.length > limits.maxTextChars
      ) {
        return `message must be a string of 1..${limits.maxTextChars} characters`;
      }
      return onlyKeys(p, ['message']);
    case 'OPEN_WINDOW':
      if (
        !Array.isArray(p.services) ||
        p.services.length === 0 ||
        !p.services.every((s) => typeof s === 'string' && limits.windowAllowlist.includes(s))
      ) {
        return `services must name modules of the window allowlist (${limits.windowAllowlist.join(', ')})`;
      }
      if (!isInt(p.ttl_sec, 1, limits.maxTtlSec))
        return `ttl_sec must be an integer 1..${limits.maxTtlSec}`;
      return onlyKeys(p, ['services', 'ttl_sec']);
    case 'RUN_MAINTENANCE':
      if (p.apply_retention !== undefined && typeof p.apply_retention !== 'boolean') {
        return 'apply_retention must be a boolean';
      }
      return onlyKeys(p, ['apply_retention']);
    case 'SPAWNER_REQUEST':
      if (typeof p.program !== 'string' || p.program.length === 0 || p.program.length > 64) {
        return 'program must be a string of 1..64 characters';
      }
      if (
        p.args !== undefined &&
        !(
          Array.isArray(p.args) &&
          p.args.length <= 64 &&
          p.args.every((a) => typeof a === 'string' && a.length <= 1024)
        )
      ) {
        return 'args must be a list of strings';
      }
      if (p.ttl_sec !== undefined && !isInt(p.ttl_sec, 1, 86400))
        return 'ttl_sec must be a positive integer';
      return onlyKeys(p, ['program', 'args', 'ttl_sec']);
    case 'NOOP':
      if (p.note !== undefined && (typeof p.note !== 'string' || p.note.length > MAX_NOTE_CHARS)) {
        return `note must be a string of at most ${MAX_NOTE_CHARS} characters`;
      }
      return onlyKeys(p, ['note']);
  }
}

/**
 * Validates a madre-tier provider's reply against the step schema. Anything off — not JSON,
 * too big or deep, an unknown step type, a param of the wrong kind — rejects the whole plan.
 */
export function checkLlmPlan(reply: string, limits: LlmPlanLimits): LlmPlanCheck {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end < start) return { ok: false, reason: 'the reply holds no JSON object' };
  const parsed = parseBoundedJson(reply.slice(start, end + 1), {
    maxChars: MAX_REPLY_CHARS,
    maxDepth: 6,
  });
  if (!parsed.ok) return { ok: false, reason: `the reply is not usable JSON (${parsed.reason})` };
  const plan = parsed.value;
  if (!isObject(plan) || !Array.isArray(plan.steps))
    return { ok: false, reason: 'no "steps" list' };
  if (plan.steps.length === 0 || plan.steps.length > MAX_LLM_STEPS) {
    return { ok: false, reason: `steps must hold 1..${MAX_LLM_STEPS} steps` };
  }
  const steps: PlannedStep[] = [];
  for (const [i, raw] of plan.steps.entries()) {
    if (!isObject(raw) || !STEP_TYPES.includes(raw.type as StepType)) {
      return { ok: false, reason: `step ${i}: type must be one of ${STEP_TYPES.join(', ')}` };
    }
    const type = raw.type as StepType;
    const params = raw.params === undefined ? {} : raw.params;
    if (!isObject(params)) return { ok: false, reason: `step ${i}: params must be an object` };
    const problem = stepProblem(type, params, limits);
    if (problem) return { ok: false, reason: `step ${i} ${type}: ${problem}` };
    if (type === 'OPEN_WINDOW') steps.push({ type, params: { ...params, wake: false } });
    else if (type === 'CLOSE_WINDOW') steps.push({ type, params: { wake: false } });
    else steps.push({ type, params: { ...params } });
  }
  const explanation =
    typeof plan.explanation === 'string' && plan.explanation.trim()
      ? plan.explanation.trim().slice(0, 1000)
      : 'madre-tier plan';
  const confidence =
    typeof plan.confidence === 'number' && plan.confidence >= 0 && plan.confidence <= 1
      ? plan.confidence
      : 0.5;
  return { ok: true, steps, explanation, confidence };
}
