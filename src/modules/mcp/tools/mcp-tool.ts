import type { z } from 'zod';

/** What a tool call knows about where it came from. */
export interface ToolContext {
  correlationId: string;
  sessionId: string;
  /** The address of the client that opened the session (chat's per-address rate limit). */
  clientAddress: string;
}

/**
 * One MCP tool: a thin adapter over an existing VX11 service. It validates nothing beyond its
 * zod schema and decides nothing: the service's own rules (and errors) apply as over HTTP.
 */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  /** The module that must be active for the tool to run; null: always available (core). */
  module: string | null;
  input: z.AnyZodObject;
  /** MCP tool annotations: hints for clients about what the tool does. */
  readOnly: boolean;
  destructive?: boolean;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<unknown>;
}

/** Declares a tool with its arguments typed from its schema. */
export function defineTool<S extends z.AnyZodObject>(tool: {
  name: string;
  title: string;
  description: string;
  module: string | null;
  input: S;
  readOnly: boolean;
  destructive?: boolean;
  run(args: z.infer<S>, ctx: ToolContext): Promise<unknown>;
}): McpTool {
  return tool as unknown as McpTool;
}

/** A Nest provider contributing the tools of one domain. */
export interface ToolGroup {
  tools(): McpTool[];
}
