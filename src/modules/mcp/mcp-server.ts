import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { randomUUID } from 'node:crypto';
import { VERSION } from '../../core/config/version';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { McpResourcesService } from './mcp-resources.service';
import { mcpServerSdk, mcpTypes } from './mcp-sdk';
import { McpToolsService } from './mcp-tools.service';

const INSTRUCTIONS =
  'VX11 is a self-hosted control plane for an AI-assistant stack. Use vx11_status and list_modules to see what runs; optional modules sleep until a power window wakes them (open_window). A tool whose module sleeps answers an error naming the window to open. Resources vx11://status, vx11://topology, vx11://events/recent and vx11://incidents/open are JSON views; subscribe to get notified of changes.';

/** Who the protocol handlers of one session serve. */
export interface SessionIdentity {
  id: string;
  clientAddress: string;
}

/**
 * The MCP server of one session (the SDK's low-level Server: VX11 decides how tool input is
 * checked and recorded). Tools and resources come from the module's shared services.
 */
export function createMcpServer(
  session: SessionIdentity,
  tools: McpToolsService,
  resources: McpResourcesService,
): Server {
  const {
    CallToolRequestSchema,
    ListResourcesRequestSchema,
    ListToolsRequestSchema,
    ReadResourceRequestSchema,
    SubscribeRequestSchema,
    UnsubscribeRequestSchema,
  } = mcpTypes();
  const server = new (mcpServerSdk().Server)(
    { name: 'vx11', title: 'VX11', version: VERSION },
    {
      capabilities: {
        tools: { listChanged: false },
        resources: { subscribe: true, listChanged: false },
      },
      instructions: INSTRUCTIONS,
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.list() }));
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    tools.call(request.params.name, request.params.arguments, {
      correlationId: currentCorrelationId() ?? randomUUID(),
      sessionId: session.id,
      clientAddress: session.clientAddress,
    }),
  );
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: resources.list() }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) =>
    resources.read(request.params.uri),
  );
  server.setRequestHandler(SubscribeRequestSchema, (request) => {
    resources.subscribe(session.id, request.params.uri, (uri) =>
      server.sendResourceUpdated({ uri }),
    );
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    resources.unsubscribe(session.id, request.params.uri);
    return {};
  });
  return server;
}
