// Which MCP SDK entry points have been required, in order (jest runs a factory only on require).
const mockRequired: string[] = [];

// zod: the tools' and the manifest's schemas are built on first use too.
const mockZod: string[] = [];

/** Records `name` in `seen` when jest first runs the module's factory (on its first require). */
function mockRecorded(seen: string[], name: string, path: string): unknown {
  seen.push(name);
  return jest.requireActual(path);
}

jest.mock('zod', () => mockRecorded(mockZod, 'zod', 'zod'));
jest.mock('@modelcontextprotocol/sdk/types.js', () =>
  mockRecorded(mockRequired, 'types', '@modelcontextprotocol/sdk/types.js'),
);
jest.mock('@modelcontextprotocol/sdk/server/index.js', () =>
  mockRecorded(mockRequired, 'server', '@modelcontextprotocol/sdk/server/index.js'),
);
jest.mock('@modelcontextprotocol/sdk/server/streamableHttp.js', () =>
  mockRecorded(
    mockRequired,
    'streamableHttp',
    '@modelcontextprotocol/sdk/server/streamableHttp.js',
  ),
);
jest.mock('@modelcontextprotocol/sdk/server/zod-json-schema-compat.js', () =>
  mockRecorded(
    mockRequired,
    'zod-json-schema-compat',
    '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js',
  ),
);

describe('the MCP SDK is loaded on first use, not at boot', () => {
  it('importing the whole mcp module requires none of the SDK, nor zod', () => {
    require('./mcp.module');
    expect(mockRequired).toEqual([]);
    expect(mockZod).toEqual([]);
    const { zod } = require('./tools/zod') as typeof import('./tools/zod');
    expect(typeof zod().object).toBe('function');
    expect(mockZod).toEqual(['zod']);
  });

  it('each accessor requires its entry point once', () => {
    const sdk = require('./mcp-sdk') as typeof import('./mcp-sdk');
    expect(sdk.mcpTypes().LATEST_PROTOCOL_VERSION).toEqual(expect.any(String));
    expect(sdk.mcpTypes()).toBe(sdk.mcpTypes());
    expect(typeof sdk.mcpServerSdk().Server).toBe('function');
    expect(typeof sdk.mcpTransportSdk().StreamableHTTPServerTransport).toBe('function');
    expect(typeof sdk.mcpSchemaCompat().toJsonSchemaCompat).toBe('function');
    expect(sdk.mcpTransportSdk()).toBe(sdk.mcpTransportSdk());
    // Each once (the server's own imports share the same module instances).
    expect([...mockRequired].sort()).toEqual(
      ['server', 'streamableHttp', 'types', 'zod-json-schema-compat'].sort(),
    );
  });
});
