import type * as SdkTypes from '@modelcontextprotocol/sdk/types.js';
import type * as SdkServer from '@modelcontextprotocol/sdk/server/index.js';
import type * as SdkTransport from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type * as SdkSchemaCompat from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';

/**
 * The MCP SDK, required on first use instead of at boot: with its zod schemas, ajv and hono it
 * holds ~12 MB of heap, which a VX11 whose mcp sleeps (the default) never needs. The SDK loads
 * with the first /mcp exchange that passes the dormant guard. Everything else in this module
 * takes the SDK's types with `import type`, which compiles to no require.
 */
let types: typeof SdkTypes | undefined;
let server: typeof SdkServer | undefined;
let transport: typeof SdkTransport | undefined;
let schemaCompat: typeof SdkSchemaCompat | undefined;

/** Protocol constants, message schemas and McpError. */
export function mcpTypes(): typeof SdkTypes {
  return (types ??= require('@modelcontextprotocol/sdk/types.js') as typeof SdkTypes);
}

/** The low-level Server of one session. */
export function mcpServerSdk(): typeof SdkServer {
  return (server ??= require('@modelcontextprotocol/sdk/server/index.js') as typeof SdkServer);
}

/** The Streamable HTTP transport. */
export function mcpTransportSdk(): typeof SdkTransport {
  return (transport ??=
    require('@modelcontextprotocol/sdk/server/streamableHttp.js') as typeof SdkTransport);
}

/** zod → JSON schema, as tools/list shows a tool's input. */
export function mcpSchemaCompat(): typeof SdkSchemaCompat {
  return (schemaCompat ??=
    require('@modelcontextprotocol/sdk/server/zod-json-schema-compat.js') as typeof SdkSchemaCompat);
}
