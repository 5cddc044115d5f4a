/** What a canonical payload field must hold. */
export type FieldKind = 'string' | 'number' | 'integer' | 'array' | 'object';

/** CONTRACT §6: the canonical event types and the payload fields each one requires. */
export const CANONICAL_TYPES: Readonly<Record<string, Readonly<Record<string, FieldKind>>>> = {
  'system.alert': { alert_id: 'string', severity: 'string', message: 'string' },
  'system.correlation.updated': {
    correlation_id: 'string',
    related_events: 'array',
    strength: 'number',
  },
  'forensic.snapshot.created': { snapshot_id: 'string', reason: 'string' },
  'madre.decision.explained': { decision_id: 'string', summary: 'string', confidence: 'number' },
  'switch.tension.updated': { value: 'integer', components: 'object' },
  'shub.action.narrated': { action: 'string', reason: 'string', next_step: 'string' },
};

/** Types VX11 emits itself (CONTRACT §6); with the canonical ones, the known metric labels. */
export const VX11_EVENT_TYPES: readonly string[] = [
  'module.state.changed',
  'window.opened',
  'window.closed',
  'health.check.failed',
  'incident.opened',
  'incident.resolved',
  'chat.completed',
  'maintenance.completed',
  'spawn.started',
  'spawn.output',
  'spawn.finished',
  'shub.job.queued',
  'shub.job.started',
  'shub.job.completed',
  'shub.job.failed',
  'shub.job.cancelled',
  'shub.job.interrupted',
  'mcp.tool.called',
  'plan.created',
  'plan.waiting',
  'plan.step.completed',
  'plan.completed',
];

export function isCanonicalType(type: string): boolean {
  return Object.hasOwn(CANONICAL_TYPES, type);
}

export interface FieldProblem {
  field: string;
  errors: string[];
}

const DESCRIBE: Record<FieldKind, string> = {
  string: 'a non-empty string',
  number: 'a number',
  integer: 'an integer',
  array: 'an array',
  object: 'an object',
};

function holds(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.length > 0;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * The problems of a canonical type's payload, one entry per missing or mistyped field (empty
 * when it is valid). Fields beyond the required ones are allowed. Not for other types.
 */
export function canonicalPayloadProblems(
  type: string,
  payload: Record<string, unknown>,
): FieldProblem[] {
  const required = CANONICAL_TYPES[type];
  const problems: FieldProblem[] = [];
  for (const [name, kind] of Object.entries(required)) {
    const field = `payload.${name}`;
    if (!Object.hasOwn(payload, name) || payload[name] === undefined || payload[name] === null) {
      problems.push({ field, errors: [`${field} is required (${DESCRIBE[kind]})`] });
    } else if (!holds(kind, payload[name])) {
      problems.push({ field, errors: [`${field} must be ${DESCRIBE[kind]}`] });
    }
  }
  return problems;
}
