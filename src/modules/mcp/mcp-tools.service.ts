import { Injectable, Logger } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ZodError } from 'zod';
import { AppConfig } from '../../core/config/app-config';
import { withCorrelationId } from '../../core/correlation/correlation';
import { ApiError } from '../../core/errors/api-error';
import { EventBus } from '../../core/events/event-bus.service';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { InvalidToolArguments, invalidParams } from './mcp-errors';
import { McpMetrics, ToolOutcome } from './mcp-metrics';
import { mcpSchemaCompat } from './mcp-sdk';
import { redactArguments } from './redact';
import { ChatTools } from './tools/chat.tools';
import { ColonyTools } from './tools/colony.tools';
import { EventTools } from './tools/event.tools';
import { IncidentTools } from './tools/incident.tools';
import { IntentTools } from './tools/intent.tools';
import { MaintenanceTools } from './tools/maintenance.tools';
import { McpTool, ToolContext, ToolGroup } from './tools/mcp-tool';
import { PowerTools } from './tools/power.tools';
import { SpawnerTools } from './tools/spawner.tools';
import { StatusTools } from './tools/status.tools';

export const TOOL_CALLED_EVENT = 'mcp.tool.called';
/** Longest tool name quoted back or recorded for a call to an unknown tool. */
const MAX_NAME_ECHO = 64;

/** A tool result carrying `value` as JSON text and as structured content. */
export function toolResult(value: unknown, isError = false): CallToolResult {
  const structured =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { result: value ?? null };
  // An error reads as its message first (what a model acts on), then the whole body.
  const message = isError && typeof structured.message === 'string' ? structured.message : null;
  const json = JSON.stringify(value ?? null, null, 2);
  return {
    content: [{ type: 'text', text: message ? `${message}\n\n${json}` : json }],
    structuredContent: structured,
    ...(isError ? { isError: true } : {}),
  };
}

function zodProblems(error: ZodError): Array<{ field: string; errors: string[] }> {
  const byField = new Map<string, string[]>();
  for (const issue of error.issues) {
    const field = issue.path.join('.') || '(arguments)';
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  return [...byField].map(([field, errors]) => ({ field, errors }));
}

/**
 * The tools MCP clients see and the one way they are called: the size cap, the tool's schema,
 * whether its module is awake, then the service; every call (whatever its outcome) recorded in
 * the ledger as mcp.tool.called with redacted arguments, and counted by tool and outcome.
 * Bad input is an MCP invalid-params error; a refusal by the service is a tool error (isError).
 */
@Injectable()
export class McpToolsService {
  private readonly logger = new Logger('McpTools');
  private readonly groups: ToolGroup[];
  /** Built on first use: the tools' zod schemas are not needed while mcp sleeps. */
  private tools: Map<string, McpTool> | undefined;
  private listing: Tool[] | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ModuleRegistry,
    private readonly bus: EventBus,
    private readonly metrics: McpMetrics,
    status: StatusTools,
    power: PowerTools,
    chat: ChatTools,
    incidents: IncidentTools,
    events: EventTools,
    maintenance: MaintenanceTools,
    spawner: SpawnerTools,
    intents: IntentTools,
    colony: ColonyTools,
  ) {
    this.groups = [status, power, chat, incidents, events, maintenance, spawner, intents, colony];
  }

  private get byName(): Map<string, McpTool> {
    if (this.tools) return this.tools;
    const byName = new Map<string, McpTool>();
    for (const group of this.groups) {
      for (const tool of group.tools()) {
        if (byName.has(tool.name)) throw new Error(`MCP tool ${tool.name} registered twice`);
        byName.set(tool.name, tool);
      }
    }
    return (this.tools = byName);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** tools/list: every tool with its JSON schema (also those whose module sleeps now). */
  list(): Tool[] {
    this.listing ??= [...this.byName.values()].map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: jsonSchemaOf(tool.input),
      annotations: {
        title: tool.title,
        readOnlyHint: tool.readOnly,
        destructiveHint: tool.destructive ?? false,
        openWorldHint: false,
      },
    }));
    return this.listing;
  }

  /** tools/call. Throws an McpError for bad input; answers everything else as a result. */
  async call(name: string, rawArgs: unknown, ctx: ToolContext): Promise<CallToolResult> {
    const started = performance.now();
    const args = rawArgs ?? {};
    const tool = this.byName.get(name);
    const record = (outcome: ToolOutcome, recorded: unknown, error?: string) =>
      this.record(tool ? name : name.slice(0, MAX_NAME_ECHO), !!tool, outcome, recorded, ctx, {
        started,
        error,
      });
    if (!tool) {
      record('unknown_tool', redactArguments(args));
      throw invalidParams(
        `Unknown tool "${name.slice(0, MAX_NAME_ECHO)}". Tools: ${this.names.join(', ')}`,
      );
    }
    const size = jsonBytes(args);
    const max = this.config.mcp.maxArgumentBytes;
    if (size > max) {
      record('too_large', { size_bytes: size });
      throw invalidParams(
        `Arguments of ${name} are ${size} bytes of JSON; the limit is ${max} (mcp.maxArgumentBytes)`,
        { limit_bytes: max, size_bytes: size },
      );
    }
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) {
      const problems = zodProblems(parsed.error);
      record('invalid_arguments', redactArguments(args), 'invalid_arguments');
      throw invalidParams(
        `Invalid arguments for ${name}: ${problems.map((p) => `${p.field}: ${p.errors.join(', ')}`).join('; ')}`,
        { details: problems },
      );
    }
    const recorded = redactArguments(parsed.data);
    if (tool.module && !this.registry.isActive(tool.module)) {
      record('dormant', recorded, 'module_dormant');
      return toolResult(this.dormant(tool.module), true);
    }
    try {
      const value = await withCorrelationId(ctx.correlationId, () =>
        tool.run(parsed.data as Record<string, unknown>, ctx),
      );
      record('ok', recorded);
      return toolResult(value);
    } catch (err) {
      if (err instanceof InvalidToolArguments) {
        record('invalid_arguments', recorded, 'invalid_arguments');
        throw invalidParams(`Invalid arguments for ${name}: ${err.field}: ${err.message}`, {
          details: [{ field: err.field, errors: [err.message] }],
        });
      }
      if (err instanceof ApiError) {
        const outcome = err.code === 'module_dormant' ? 'dormant' : 'error';
        record(outcome, recorded, err.code);
        return toolResult(
          {
            error: err.code,
            message: err.message,
            status_code: err.status,
            ...(err.details !== undefined ? { details: err.details } : {}),
            ...(err.extra ?? {}),
          },
          true,
        );
      }
      this.logger.error(`tool ${name} failed: ${(err as Error)?.stack ?? String(err)}`);
      record('error', recorded, 'internal_error');
      return toolResult(
        {
          error: 'internal_error',
          message: `${name} failed unexpectedly; quote correlation id ${ctx.correlationId}`,
        },
        true,
      );
    }
  }

  private dormant(module: string) {
    const state = this.registry.state(module);
    const open = JSON.stringify({ services: [module], ttl_sec: 600 });
    return {
      error: 'module_dormant',
      message: `Module ${module} is ${state}: open a power window for it first — call open_window with ${open} (or POST /madre/power/window/open with that body), then retry.`,
      module,
      state,
      hint: `open_window ${open}`,
    };
  }

  private record(
    tool: string,
    known: boolean,
    outcome: ToolOutcome,
    args: unknown,
    ctx: ToolContext,
    extra: { started: number; error?: string },
  ): void {
    const seconds = (performance.now() - extra.started) / 1000;
    this.metrics.toolCalled(known ? tool : 'unknown', outcome, seconds);
    withCorrelationId(ctx.correlationId, () =>
      this.bus.emit(
        TOOL_CALLED_EVENT,
        'mcp',
        {
          tool,
          arguments: args,
          outcome,
          ...(extra.error ? { error: extra.error } : {}),
          session_id: ctx.sessionId,
          correlation_id: ctx.correlationId,
          duration_ms: Math.round(seconds * 100_000) / 100,
        },
        outcome === 'ok' ? 'info' : 'warning',
      ),
    );
  }
}

/** The JSON schema of a tool's zod input, as tools/list shows it. */
function jsonSchemaOf(input: McpTool['input']): Tool['inputSchema'] {
  const toJson = mcpSchemaCompat().toJsonSchemaCompat as (
    schema: unknown,
    opts: object,
  ) => Record<string, unknown>;
  return toJson(input, { strictUnions: true, pipeStrategy: 'input' }) as Tool['inputSchema'];
}

function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
