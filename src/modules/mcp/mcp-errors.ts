import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { declareErrorCodes } from '../../core/errors/error-codes';
import { mcpTypes } from './mcp-sdk';

/** MCP's "resource not found" (the spec's -32002). */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * A tool's arguments passed the schema but the service's parser refuses one (e.g. a malformed
 * event-type pattern): answered as an invalid-params MCP error naming the field, like a schema
 * failure.
 */
export class InvalidToolArguments extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidToolArguments';
  }
}

export function invalidParams(message: string, data?: unknown): McpError {
  const { ErrorCode, McpError } = mcpTypes();
  return new McpError(ErrorCode.InvalidParams, message, data);
}

/** MCP's "resource not found" error for `uri` (quoted back shortened). */
export function resourceNotFound(uri: string, data?: unknown): McpError {
  const { McpError } = mcpTypes();
  return new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri.slice(0, 200)}`, data);
}

/** What mcp can refuse, each code with the status the one filter answers. */
export const McpErrors = declareErrorCodes('mcp', {
  invalid_jsonrpc: 400,
  mcp_session_required: 400,
  unsupported_protocol_version: 400,
  mcp_session_not_found: 404,
  not_acceptable: 406,
  mcp_sessions_full: 429,
});
